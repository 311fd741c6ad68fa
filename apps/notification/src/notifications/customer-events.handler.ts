import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CartAbandoned,
  NotificationRequested,
  OrderCancelled,
  OrderPlaced,
  ShipmentDelivered,
  ShipmentDispatched,
  type ShopExchanges,
} from '@shopbus/contracts';
import { byCorrelationId, type MessageContext, type PayloadOf } from '@shopbus/messaging-core';
import { FallbackMessageHandler, MessageHandler } from '@shopbus/messaging-nestjs';
import { Inbox, Outbox } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import { NotificationPrisma } from '../notification-prisma.service';
import { SHOP_EXCHANGES } from '../notification.tokens';
import { templates, type Draft } from './templates';

export const CUSTOMER_EVENTS_QUEUE = 'notification.customer-events';

/**
 * Turns the events a customer should hear about into notification requests, published to the
 * notifications headers exchange with `channel` and `priority` headers: the channel queues pick
 * them by x-match. The queue binds patterns (`order.*`, `shipment.#`, `cart.abandoned`); events
 * with no template here (order.shipped, shipment.created, …) are taken and skipped.
 *
 * Shipment events carry only ids, so order.placed's email is kept (OrderContact) to address them.
 */
@Injectable()
export class CustomerEventsHandler {
  private readonly logger = new Logger(CustomerEventsHandler.name);

  constructor(
    private readonly prisma: NotificationPrisma,
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
    @Inject(SHOP_EXCHANGES) private readonly exchanges: ShopExchanges,
  ) {}

  // One message of an order at a time (its events share its correlation id), many orders at
  // once: an order's shipment events come after its order.placed (the contact) and its emails
  // go out in the order things happened.
  @MessageHandler(OrderPlaced, {
    queue: CUSTOMER_EVENTS_QUEUE,
    prefetch: 32,
    partitionBy: byCorrelationId,
  })
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

  @MessageHandler(ShipmentDispatched, { queue: CUSTOMER_EVENTS_QUEUE })
  shipmentDispatched(event: PayloadOf<typeof ShipmentDispatched>, context: MessageContext) {
    return this.notifyOrderContact(context, event.orderId, templates.shipmentDispatched(event));
  }

  @MessageHandler(ShipmentDelivered, { queue: CUSTOMER_EVENTS_QUEUE })
  shipmentDelivered(event: PayloadOf<typeof ShipmentDelivered>, context: MessageContext) {
    return this.notifyOrderContact(context, event.orderId, templates.shipmentDelivered(event));
  }

  @MessageHandler(OrderCancelled, { queue: CUSTOMER_EVENTS_QUEUE })
  orderCancelled(event: PayloadOf<typeof OrderCancelled>, context: MessageContext) {
    return this.notify(context, async () => ({
      to: event.customerEmail,
      orderId: event.orderId,
      draft: templates.orderCancelled(event),
    }));
  }

  @MessageHandler(CartAbandoned, { queue: CUSTOMER_EVENTS_QUEUE })
  cartAbandoned(event: PayloadOf<typeof CartAbandoned>, context: MessageContext) {
    return this.notify(context, async () =>
      event.customerEmail
        ? { to: event.customerEmail, draft: templates.cartAbandoned(event) }
        : undefined,
    );
  }

  @FallbackMessageHandler({
    queue: CUSTOMER_EVENTS_QUEUE,
    bindings: [
      { exchange: 'events', pattern: 'order.*' },
      { exchange: 'events', pattern: 'shipment.#' },
      { exchange: 'events', pattern: 'cart.abandoned' },
    ],
  })
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
    await this.inbox.handleOnce(this.prisma.sql, context, CUSTOMER_EVENTS_QUEUE, async (tx) => {
      const notification = await compose(tx);
      if (!notification) return;
      const { to, orderId, draft } = notification;
      await this.outbox.send(
        tx,
        NotificationRequested,
        {
          recipient: to,
          subject: draft.subject,
          body: draft.body,
          cause: context.envelope.messageType,
          orderId,
        },
        { exchange: this.exchanges.notifications },
        { headers: { channel: 'email', priority: draft.priority } },
      );
    });
  }
}
