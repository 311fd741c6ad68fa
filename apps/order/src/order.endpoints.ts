import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CreateShipment,
  DispatchDeadlinePassed,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderShipped,
} from '@shopbus/contracts';
import { byCorrelationId, defineEndpoint, type OutgoingMessage } from '@shopbus/messaging-core';

/**
 * Every queue the order service consumes, and how: the one place for their settings. The
 * handlers reference these; the service manifest lists the same queues (checked at start-up).
 */
export const orderEndpoints = {
  /** Checkouts, each becoming an order: a redelivered checkout places nothing twice. */
  cartCheckedOut: defineEndpoint({ queue: 'order.cart-checked-out', idempotent: true }),
  /**
   * The fulfilment saga's queue: shipping's events, its own dispatch deadline and faults of its
   * shipment requests. One message of an order at a time (its messages share its correlation
   * id), many orders at once: 128 in flight, as notification's customer events (see there).
   */
  fulfilment: defineEndpoint({
    queue: 'order.fulfilment',
    prefetch: 128,
    partitionBy: byCorrelationId,
    idempotent: true,
  }),
};

/** Every type order publishes or sends: the bus refuses any other. */
export const orderOutgoing: readonly OutgoingMessage[] = [
  OrderPlaced,
  OrderShipped,
  OrderDelivered,
  OrderCancelled,
  CreateShipment,
  { contract: CancelShipment, destination: { queue: CANCEL_SHIPMENT_QUEUE } },
  { contract: DispatchDeadlinePassed, destination: { queue: orderEndpoints.fulfilment.queue } },
];
