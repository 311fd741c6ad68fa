import {
  CartAbandoned,
  CartCheckedOut,
  CheckCartAbandonment,
  QuoteShipping,
} from '@shopbus/contracts';
import { defineEndpoint, type OutgoingMessage } from '@shopbus/messaging-core';

/**
 * Every queue the cart service consumes, and how: the one place for their settings. The
 * handlers reference these; the service manifest lists the same queues (checked at start-up).
 */
export const cartEndpoints = {
  /**
   * The scheduled abandonment checks the cart sends itself. Idempotent: a redelivered check
   * neither abandons a cart nor schedules the next check twice.
   */
  checkAbandonment: defineEndpoint({ queue: 'cart.check-abandonment', idempotent: true }),
};

/** Every type cart publishes, sends or asks: the bus refuses any other. */
export const cartOutgoing: readonly OutgoingMessage[] = [
  CartCheckedOut,
  CartAbandoned,
  QuoteShipping,
  { contract: CheckCartAbandonment, destination: { queue: cartEndpoints.checkAbandonment.queue } },
];
