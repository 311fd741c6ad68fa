import { Inject, Injectable } from '@nestjs/common';
import { CartAbandoned, CheckCartAbandonment } from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Outbox, transactionOf } from '@shopbus/messaging-outbox';
import { CART_CONFIG } from '../cart.tokens';
import type { CartConfig } from '../config';
import { cartEndpoints } from '../cart.endpoints';
import type { Prisma } from '../generated/prisma/client';

/**
 * The scheduled check of a cart that got items: still open and untouched for the configured
 * time → abandoned, and `cart.abandoned` is published; touched since → checked again later;
 * checked out → nothing (checkout cancels the check anyway).
 */
@Injectable()
export class AbandonIdleCart {
  constructor(
    private readonly outbox: Outbox,
    @Inject(CART_CONFIG) private readonly config: CartConfig,
  ) {}

  /** The endpoint's transactions are Prisma's (the cart service's model API). */
  @MessageHandler(CheckCartAbandonment, cartEndpoints.checkAbandonment)
  async check(
    { cartId }: PayloadOf<typeof CheckCartAbandonment>,
    context: MessageContext,
  ): Promise<void> {
    const tx = transactionOf<Prisma.TransactionClient>(context);
    const cart = await tx.cart.findUnique({ where: { id: cartId }, include: { items: true } });
    if (!cart || cart.status !== 'open' || cart.items.length === 0) return;
    const idleMs = this.outbox.clock.now() - cart.touchedAt.getTime();
    if (idleMs < this.config.abandonAfterMs) {
      const next = await this.outbox.schedule(
        tx,
        CheckCartAbandonment,
        { cartId },
        {
          at: new Date(cart.touchedAt.getTime() + this.config.abandonAfterMs),
          destination: { queue: cartEndpoints.checkAbandonment.queue },
        },
      );
      await tx.cart.update({ where: { id: cartId }, data: { abandonCheck: next.messageId } });
      return;
    }
    await tx.cart.update({
      where: { id: cartId },
      data: { status: 'abandoned', abandonCheck: null },
    });
    await this.outbox.publish(tx, CartAbandoned, {
      cartId,
      customerEmail: cart.customerEmail ?? undefined,
      itemCount: cart.items.reduce((sum, item) => sum + item.quantity, 0),
      totalCents: cart.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
    });
  }
}
