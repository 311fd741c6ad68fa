import { defineCommand, defineEvent } from '@shopbus/messaging-core';
import { z } from 'zod';
import { cents } from './shared-shapes';

export const OrderPlaced = defineEvent(
  'order.placed',
  z.object({
    orderId: z.uuid(),
    customerEmail: z.email(),
    totalCents: cents,
    itemCount: z.number().int(),
  }),
  { personalData: true, senders: ['order'] },
);
export const OrderShipped = defineEvent(
  'order.shipped',
  z.object({ orderId: z.uuid(), customerEmail: z.email(), trackingNumber: z.string() }),
  { personalData: true, senders: ['order'] },
);
export const OrderDelivered = defineEvent(
  'order.delivered',
  z.object({ orderId: z.uuid(), customerEmail: z.email() }),
  { personalData: true, senders: ['order'] },
);
export const OrderCancelled = defineEvent(
  'order.cancelled',
  z.object({ orderId: z.uuid(), customerEmail: z.email(), reason: z.string() }),
  { personalData: true, senders: ['order'] },
);

/** The saga's timeout, scheduled when the order is placed and cancelled once it is dispatched. */
export const DispatchDeadlinePassed = defineCommand(
  'order.dispatch-deadline-passed',
  z.object({ orderId: z.uuid() }),
  { senders: ['order'] },
);
