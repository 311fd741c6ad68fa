import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CheckCartAbandonment } from '@shopbus/contracts';
import { Outbox } from '@shopbus/messaging-outbox';
import { CART_CONFIG } from '../cart.tokens';
import type { CartConfig } from '../config';
import { CartPrisma } from '../cart-prisma.service';
import { cartEndpoints } from '../cart.endpoints';
import type { Prisma } from '../generated/prisma/client';
import {
  CartNotFoundError,
  CartNotOpenError,
  ItemNotInCartError,
  ProductNotFoundError,
} from './cart-errors';
import { CartView } from './cart.view';

type Tx = Prisma.TransactionClient;

const withItems = { items: { include: { product: true } } } as const;

/** Carts and their lines. Prices come from the catalogue when a line is added or changed. */
@Injectable()
export class CartsService {
  constructor(
    private readonly prisma: CartPrisma,
    private readonly outbox: Outbox,
    @Inject(CART_CONFIG) private readonly config: CartConfig,
  ) {}

  async create(customerEmail?: string): Promise<CartView> {
    const cart = await this.prisma.cart.create({
      data: { id: randomUUID(), status: 'open', customerEmail },
      include: withItems,
    });
    return CartView.of(cart);
  }

  async get(cartId: string): Promise<CartView> {
    const cart = await this.prisma.cart.findUnique({ where: { id: cartId }, include: withItems });
    if (!cart) throw new CartNotFoundError(cartId);
    return CartView.of(cart);
  }

  /** Puts `quantity` of a product in the cart (adds the line, or changes it). */
  setQuantity(cartId: string, sku: string, quantity: number): Promise<CartView> {
    return this.change(cartId, async (tx) => {
      const product = await tx.product.findUnique({ where: { sku } });
      if (!product) throw new ProductNotFoundError(sku);
      await tx.cartItem.upsert({
        where: { cartId_sku: { cartId, sku } },
        create: { cartId, sku, quantity, unitPriceCents: product.priceCents },
        update: { quantity, unitPriceCents: product.priceCents },
      });
    });
  }

  removeItem(cartId: string, sku: string): Promise<CartView> {
    return this.change(cartId, async (tx) => {
      const removed = await tx.cartItem.deleteMany({ where: { cartId, sku } });
      if (removed.count === 0) throw new ItemNotInCartError(cartId, sku);
    });
  }

  /**
   * Changes an open cart (locked for the change), marks it touched, and the first time it holds
   * items schedules its abandonment check, in the same transaction.
   */
  private async change(cartId: string, work: (tx: Tx) => Promise<void>): Promise<CartView> {
    return this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string; abandon_check: string | null }[]>`
        SELECT status, abandon_check FROM cart WHERE id = ${cartId}::uuid FOR UPDATE`;
      if (!locked) throw new CartNotFoundError(cartId);
      if (locked.status !== 'open') throw new CartNotOpenError(cartId, locked.status);
      await work(tx);
      let abandonCheck = locked.abandon_check;
      if (!abandonCheck && (await tx.cartItem.count({ where: { cartId } })) > 0) {
        const check = await this.outbox.schedule(
          tx,
          CheckCartAbandonment,
          { cartId },
          {
            delayMs: this.config.abandonAfterMs,
            destination: { queue: cartEndpoints.checkAbandonment.queue },
          },
        );
        abandonCheck = check.messageId;
      }
      const cart = await tx.cart.update({
        where: { id: cartId },
        // The outbox's clock, which the abandonment check is scheduled and judged by.
        data: { touchedAt: new Date(this.outbox.clock.now()), abandonCheck },
        include: withItems,
      });
      return CartView.of(cart);
    });
  }
}
