import type { NotificationPriority } from '@shopbus/contracts';

/** A message to a customer, before a channel delivers it. */
export interface Draft {
  subject: string;
  body: string;
  priority: NotificationPriority;
}

const euros = (cents: number) => `€${(cents / 100).toFixed(2)}`;

/** What the customer is told of each event that concerns them. Pure: easy to read and test. */
export const templates = {
  orderPlaced: (e: { orderId: string; totalCents: number }): Draft => ({
    subject: 'We have your order',
    body: `Order ${e.orderId} for ${euros(e.totalCents)} is confirmed. We will tell you when it ships.`,
    priority: 'normal',
  }),
  shipmentDispatched: (e: { orderId: string; trackingNumber: string }): Draft => ({
    subject: 'Your order is on its way',
    body: `Order ${e.orderId} left our warehouse. Tracking number: ${e.trackingNumber}.`,
    priority: 'normal',
  }),
  shipmentDelivered: (e: { orderId: string }): Draft => ({
    subject: 'Delivered',
    body: `Order ${e.orderId} has been delivered. Enjoy!`,
    priority: 'normal',
  }),
  orderCancelled: (e: { orderId: string; reason: string }): Draft => ({
    subject: 'Your order was cancelled',
    body: `Order ${e.orderId} was cancelled (${e.reason}). You will not be charged.`,
    priority: 'high',
  }),
  cartAbandoned: (e: { itemCount: number; totalCents: number }): Draft => ({
    subject: 'You left something in your cart',
    body: `${e.itemCount} item(s) worth ${euros(e.totalCents)} are waiting for you.`,
    priority: 'normal',
  }),
};
