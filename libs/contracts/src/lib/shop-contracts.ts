import type { AnyContract } from '@shopbus/messaging-core';
import { CartAbandoned, CartCheckedOut, CheckCartAbandonment } from './cart.contracts';
import { DeliverNotification } from './notification.contracts';
import {
  DispatchDeadlinePassed,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderShipped,
} from './order.contracts';
import {
  CancelShipment,
  CourierDeliver,
  CourierDispatch,
  CreateShipment,
  QuoteShipping,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
} from './shipping.contracts';

/**
 * Every message type of the shop: what a `@EventPattern`/`@MessagePattern` pattern or a
 * `ClientProxy` call resolves its contract from, so that a pattern naming one is validated.
 */
export const shopContracts: readonly AnyContract[] = [
  CartCheckedOut,
  CartAbandoned,
  CheckCartAbandonment,
  DeliverNotification,
  OrderPlaced,
  OrderShipped,
  OrderDelivered,
  OrderCancelled,
  DispatchDeadlinePassed,
  QuoteShipping,
  CreateShipment,
  CancelShipment,
  CourierDispatch,
  CourierDeliver,
  ShipmentCreated,
  ShipmentFailed,
  ShipmentDispatched,
  ShipmentDelivered,
  ShipmentCancelled,
];
