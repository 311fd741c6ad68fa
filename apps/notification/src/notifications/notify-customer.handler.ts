import { Injectable, Logger } from '@nestjs/common';
import {
  CartAbandoned,
  DeliverNotification,
  OrderCancelled,
  OrderPlaced,
  ShipmentDelivered,
  ShipmentDispatched,
} from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { FallbackMessageHandler, MessageHandler } from '@shopbus/messaging-nestjs';
import { Outbox, transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { notificationEndpoints } from '../notification.endpoints';
import { templates, type Draft } from './templates';

const endpoint = notificationEndpoints.customerEvents;

/**
 * Turns the events a customer should hear about into notification requests, published to the
 * notifications headers exchange with `channel` and `priority` headers: the channel queues pick
 * them by x-match. The queue binds patterns (`order.*`, `shipment.#`, `cart.abandoned`); events
 * with no template here (order.shipped, shipment.created, …) are taken and skipped.
 *
 * Shipment events carry only ids, so order.placed's email is kept (OrderContact) to address them.
 */
@Injectable()
export class NotifyCustomer {
  private readonly logger = new Logger(NotifyCustomer.name);

  constructor(private readonly outbox: Outbox) {}

  @MessageHandler(OrderPlaced, endpoint)
  orderPlaced(event: PayloadOf<typeof OrderPlaced>, context: MessageContext) {
    return this.notify(context, async (tx) => {
      await tx.$executeRaw`
        INSERT INTO order_contact (order_id, email)
        VALUES (${event.orderId}::uuid, ${event.customerEmail})
        ON CONFLICT (order_id) DO NOTHING`;
      return {
        to: event.customerEmail,
        orderId: event.orderId,
        draft: templates.orderPlaced(event),
      };
    });
  }

  @MessageHandler(ShipmentDispatched, endpoint)
  shipmentDispatched(event: PayloadOf<typeof ShipmentDispatched>, context: MessageContext) {
    return this.notifyOrderContact(context, event.orderId, templates.shipmentDispatched(event));
  }

  @MessageHandler(ShipmentDelivered, endpoint)
  shipmentDelivered(event: PayloadOf<typeof ShipmentDelivered>, context: MessageContext) {
    return this.notifyOrderContact(context, event.orderId, templates.shipmentDelivered(event));
  }

  @MessageHandler(OrderCancelled, endpoint)
  orderCancelled(event: PayloadOf<typeof OrderCancelled>, context: MessageContext) {
    return this.notify(context, async () => ({
      to: event.customerEmail,
      orderId: event.orderId,
      draft: templates.orderCancelled(event),
    }));
  }

  @MessageHandler(CartAbandoned, endpoint)
  cartAbandoned(event: PayloadOf<typeof CartAbandoned>, context: MessageContext) {
    return this.notify(context, async () =>
      event.customerEmail
        ? { to: event.customerEmail, draft: templates.cartAbandoned(event) }
        : undefined,
    );
  }

  /** Runs outside the endpoint's transactions: it writes nothing. */
  @FallbackMessageHandler(endpoint)
  async noTemplate(_: unknown, { envelope }: MessageContext): Promise<void> {
    this.logger.debug({ msg: 'no notification for this event', messageType: envelope.messageType });
  }

  /** An event about an order that does not name the customer: addressed through OrderContact. */
  private notifyOrderContact(context: MessageContext, orderId: string, draft: Draft) {
    return this.notify(context, async (tx) => {
      const [contact] = await tx.$queryRaw<{ email: string }>`
        SELECT email FROM order_contact WHERE order_id = ${orderId}::uuid`;
      // order.placed comes first for every order; until it has, this event waits (retried).
      if (!contact) throw new Error(`No contact for order ${orderId} yet`);
      return { to: contact.email, orderId, draft };
    });
  }

  private async notify(
    context: MessageContext,
    compose: (
      tx: PgTransaction,
    ) => Promise<{ to: string; orderId?: string; draft: Draft } | undefined>,
  ): Promise<void> {
    const tx = transactionOf<PgTransaction>(context);
    const notification = await compose(tx);
    if (!notification) return;
    const { to, orderId, draft } = notification;
    await this.outbox.send(
      tx,
      DeliverNotification,
      {
        recipient: to,
        subject: draft.subject,
        body: draft.body,
        cause: context.envelope.messageType,
        orderId,
      },
      { exchange: 'notifications' },
      { headers: { channel: 'email', priority: draft.priority } },
    );
  }
}
