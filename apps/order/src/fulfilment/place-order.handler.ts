import { Inject, Injectable } from '@nestjs/common';
import {
  CartCheckedOut,
  CreateShipment,
  DispatchDeadlinePassed,
  OrderPlaced,
} from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Inbox, Outbox } from '@shopbus/messaging-outbox';
import type { OrderConfig } from '../config';
import { ORDER_CONFIG } from '../order.tokens';
import { OrderPrisma } from '../order-prisma.service';
import { FULFILMENT_QUEUE } from './fulfilment.handler';

/**
 * Starts an order's saga from `cart.checked-out`: the order (with the id the cart assigned),
 * `order.placed`, the `create-shipment` command to shipping through the commands exchange, and
 * the dispatch deadline as a scheduled message, all in one transaction. The inbox makes a
 * redelivered checkout (or a second instance of this service) create nothing twice.
 */
@Injectable()
export class PlaceOrderHandler {
  constructor(
    private readonly prisma: OrderPrisma,
    private readonly outbox: Outbox,
    private readonly inbox: Inbox,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
  ) {}

  @MessageHandler(CartCheckedOut, { queue: 'order.cart-checked-out' })
  async place(checkout: PayloadOf<typeof CartCheckedOut>, context: MessageContext): Promise<void> {
    await this.inbox.handleOnce(this.prisma, context, 'order.cart-checked-out', async (tx) => {
      if (await tx.order.findUnique({ where: { id: checkout.orderId } })) return;
      const options = { partitionKey: checkout.orderId };
      const deadline = await this.outbox.schedule(
        tx,
        DispatchDeadlinePassed,
        { orderId: checkout.orderId },
        { delayMs: this.config.dispatchDeadlineMs, destination: { queue: FULFILMENT_QUEUE } },
      );
      await tx.order.create({
        data: {
          id: checkout.orderId,
          cartId: checkout.cartId,
          customerEmail: checkout.customerEmail,
          status: 'placed',
          itemsTotalCents: checkout.itemsTotalCents,
          shippingCents: checkout.shippingCents,
          totalCents: checkout.totalCents,
          items: checkout.items,
          shippingAddress: checkout.shippingAddress,
          deadlineMessage: deadline.messageId,
          history: { create: { status: 'placed', cause: CartCheckedOut.type } },
        },
      });
      await this.outbox.publish(
        tx,
        OrderPlaced,
        {
          orderId: checkout.orderId,
          customerEmail: checkout.customerEmail,
          totalCents: checkout.totalCents,
          itemCount: checkout.items.reduce((sum, item) => sum + item.quantity, 0),
        },
        options,
      );
      await this.outbox.send(
        tx,
        CreateShipment,
        {
          orderId: checkout.orderId,
          shippingAddress: checkout.shippingAddress,
          items: checkout.items.map(({ sku, quantity }) => ({ sku, quantity })),
        },
        undefined,
        options,
      );
    });
  }
}
