import { defineCommand, defineEvent, defineQuery } from '@shopbus/messaging-core';
import { z } from 'zod';
import { cents, shippingAddress } from './shared-shapes';

/** Request/response: the cart asks for a price and an estimate while the customer waits. */
export const QuoteShipping = defineQuery(
  'shipping.quote',
  z.object({ country: z.string().length(2), itemCount: z.number().int().positive() }),
  z.object({
    deliverable: z.boolean(),
    priceCents: cents,
    estimatedDays: z.number().int().positive(),
    carrier: z.string(),
  }),
  { senders: ['cart'] },
);

/** Sent by the order saga through the commands (direct) exchange to shipping's queue. */
export const CreateShipment = defineCommand(
  'shipping.create-shipment',
  z.object({
    orderId: z.uuid(),
    shippingAddress,
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })).min(1),
  }),
  { personalData: true, senders: ['order'] },
);

/**
 * Sent by the order saga straight to shipping's queue by name, through the default exchange:
 * the sender knows the one queue that must get it.
 */
export const CancelShipment = defineCommand(
  'shipping.cancel-shipment',
  z.object({ orderId: z.uuid(), reason: z.string() }),
  { senders: ['order'] },
);
export const CANCEL_SHIPMENT_QUEUE = 'shipping.cancel-shipment';

/** The courier simulation's own scheduled steps. */
export const CourierDispatch = defineCommand(
  'shipping.courier-dispatch',
  z.object({ shipmentId: z.uuid() }),
  { senders: ['shipping'] },
);
export const CourierDeliver = defineCommand(
  'shipping.courier-deliver',
  z.object({ shipmentId: z.uuid() }),
  { senders: ['shipping'] },
);

export const ShipmentCreated = defineEvent(
  'shipment.created',
  z.object({ orderId: z.uuid(), shipmentId: z.uuid() }),
  { senders: ['shipping'] },
);
export const ShipmentFailed = defineEvent(
  'shipment.failed',
  z.object({ orderId: z.uuid(), reason: z.string() }),
  { senders: ['shipping'] },
);
/** Identifier-only: who needs more asks, or kept it from earlier events. */
export const ShipmentDispatched = defineEvent(
  'shipment.dispatched',
  z.object({ orderId: z.uuid(), shipmentId: z.uuid(), trackingNumber: z.string() }),
  { senders: ['shipping'] },
);
export const ShipmentDelivered = defineEvent(
  'shipment.delivered',
  z.object({ orderId: z.uuid(), shipmentId: z.uuid() }),
  { senders: ['shipping'] },
);
export const ShipmentCancelled = defineEvent(
  'shipment.cancelled',
  z.object({ orderId: z.uuid(), shipmentId: z.uuid() }),
  { senders: ['shipping'] },
);
