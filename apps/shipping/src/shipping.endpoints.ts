import {
  CANCEL_SHIPMENT_QUEUE,
  CourierDeliver,
  CourierDispatch,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
} from '@shopbus/contracts';
import { defineEndpoint, type OutgoingMessage } from '@shopbus/messaging-core';

/**
 * Every queue the shipping service consumes, and how: the one place for their settings. The
 * handlers reference these; the service manifest lists the same queues (checked at start-up).
 */
export const shippingEndpoints = {
  /** The checkout's quotes, answered while the customer waits (request/response). */
  quote: defineEndpoint({ queue: 'shipping.quote' }),
  /** The saga's command to ship an order: a redelivery creates no second shipment. */
  createShipment: defineEndpoint({ queue: 'shipping.create-shipment', idempotent: true }),
  /** The saga's compensation, sent straight to this queue through the default exchange. */
  cancelShipment: defineEndpoint({ queue: CANCEL_SHIPMENT_QUEUE, idempotent: true }),
  /**
   * The demo courier's scheduled steps, sent by shipping to itself. Not idempotent: each step is a
   * conditional update, so a duplicate finds the shipment past that step and changes nothing.
   */
  courier: defineEndpoint({ queue: 'shipping.courier' }),
};

/** Every type shipping publishes or sends: the bus refuses any other. */
export const shippingOutgoing: readonly OutgoingMessage[] = [
  ShipmentCreated,
  ShipmentFailed,
  ShipmentDispatched,
  ShipmentDelivered,
  ShipmentCancelled,
  { contract: CourierDispatch, destination: { queue: shippingEndpoints.courier.queue } },
  { contract: CourierDeliver, destination: { queue: shippingEndpoints.courier.queue } },
];
