import { defineCommand, defineEvent } from '@shopbus/messaging-core';
import { z } from 'zod';

/** An event with a per-key sequence number, so tests can check each key's order. */
export const OrderNoted = defineEvent(
  'test.order-noted',
  z.object({ orderId: z.string(), key: z.string(), seq: z.number().int() }),
);

/** An event nobody subscribes to: the broker returns it as unroutable. */
export const NobodyListens = defineEvent('test.nobody-listens', z.object({ n: z.number() }));

/** A command, sent through the outbox to one queue. */
export const ShipOrder = defineCommand('test.ship-order', z.object({ orderId: z.string() }));
