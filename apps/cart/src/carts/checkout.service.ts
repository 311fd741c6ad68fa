import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { CartCheckedOut, QuoteShipping, type ShippingAddress } from '@shopbus/contracts';
import {
  RequestTimeoutError,
  TransportDisconnectedError,
  UnroutableMessageError,
  type ResponseOf,
} from '@shopbus/messaging-core';
import { Outbox } from '@shopbus/messaging-outbox';
import { firstValueFrom } from 'rxjs';
import { SHIPPING_CLIENT } from '../cart.tokens';
import { CartPrisma } from '../cart-prisma.service';
import {
  CartNotFoundError,
  CartNotOpenError,
  EmptyCartError,
  IdempotencyKeyReusedError,
  ShippingUnavailableError,
  UndeliverableError,
} from './cart-errors';

/** Postgres's SQLSTATE for a unique violation: here, the Idempotency-Key taken by a concurrent request. */
const UNIQUE_VIOLATION = '23505';

/** A cart line as the checkout reads it, with its product's name. */
interface CheckedOutLine {
  sku: string;
  name: string;
  quantity: number;
  unit_price_cents: number;
}

export interface CheckoutRequest {
  customerEmail: string;
  shippingAddress: ShippingAddress;
}

export interface CheckoutAccepted {
  orderId: string;
  cartId: string;
}

/**
 * Checkout: asks shipping for the price (request/response, while the customer waits), then in
 * one transaction closes the cart, records the request under its Idempotency-Key, cancels the
 * abandonment check and writes `cart.checked-out` to the outbox. The order id is assigned here,
 * answered at once (202) and used as the correlation id of everything the order causes.
 *
 * The same key again returns the first answer and changes nothing; the same key with another
 * body is refused. Two concurrent requests with one key: the key's primary key lets one commit,
 * and the other returns its answer.
 */
@Injectable()
export class CheckoutService {
  constructor(
    private readonly prisma: CartPrisma,
    private readonly outbox: Outbox,
    @Inject(SHIPPING_CLIENT) private readonly shipping: ClientProxy,
  ) {}

  async checkout(
    cartId: string,
    idempotencyKey: string,
    request: CheckoutRequest,
  ): Promise<CheckoutAccepted> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify({ cartId, ...request }))
      .digest('hex');
    const earlier = await this.answered(idempotencyKey, requestHash);
    if (earlier) return earlier;
    try {
      return await this.checkoutOnce(cartId, idempotencyKey, requestHash, request);
    } catch (error) {
      // A concurrent request with the same key may have won: then its answer is ours.
      const raced =
        error instanceof CartNotOpenError ||
        (error as { code?: unknown } | null | undefined)?.code === UNIQUE_VIOLATION;
      const answer = raced ? await this.answered(idempotencyKey, requestHash) : undefined;
      if (answer) return answer;
      throw error;
    }
  }

  private async checkoutOnce(
    cartId: string,
    idempotencyKey: string,
    requestHash: string,
    request: CheckoutRequest,
  ): Promise<CheckoutAccepted> {
    const [cart] = await this.prisma.sql.$queryRaw<{ status: string; item_count: number }>`
      SELECT cart.status, coalesce(sum(item.quantity), 0)::int AS item_count
        FROM cart LEFT JOIN cart_item item ON item.cart_id = cart.id
       WHERE cart.id = ${cartId}::uuid
       GROUP BY cart.id`;
    if (!cart) throw new CartNotFoundError(cartId);
    if (cart.status !== 'open') throw new CartNotOpenError(cartId, cart.status);
    if (cart.item_count === 0) throw new EmptyCartError(cartId);
    const quote = await this.quote(request.shippingAddress.country, cart.item_count);
    if (!quote.deliverable) throw new UndeliverableError(request.shippingAddress.country);

    const orderId = randomUUID();
    await this.prisma.sql.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string; abandon_check: string | null }>`
          SELECT status, abandon_check FROM cart WHERE id = ${cartId}::uuid FOR UPDATE`;
      if (locked.status !== 'open') throw new CartNotOpenError(cartId, locked.status);
      const items = await tx.$queryRaw<CheckedOutLine>`
          SELECT item.sku, product.name, item.quantity, item.unit_price_cents
            FROM cart_item item JOIN product ON product.sku = item.sku
           WHERE item.cart_id = ${cartId}::uuid
           ORDER BY item.sku`;
      const itemCount = items.reduce((sum, item) => sum + item.quantity, 0);
      if (itemCount !== cart.item_count) {
        throw new CartNotOpenError(cartId, 'being changed (try the checkout again)');
      }
      await tx.$executeRaw`
        WITH request AS (
          INSERT INTO checkout_request (idempotency_key, cart_id, request_hash, order_id)
          VALUES (${idempotencyKey}, ${cartId}::uuid, ${requestHash}, ${orderId}::uuid)
        )
        UPDATE cart
           SET status = 'checked-out', order_id = ${orderId}::uuid,
               customer_email = ${request.customerEmail}, checked_out_at = now(),
               abandon_check = NULL
         WHERE id = ${cartId}::uuid`;
      if (locked.abandon_check) await this.outbox.cancelScheduled(tx, locked.abandon_check);
      const itemsTotalCents = items.reduce((sum, i) => sum + i.quantity * i.unit_price_cents, 0);
      await this.outbox.publish(
        tx,
        CartCheckedOut,
        {
          cartId,
          orderId,
          customerEmail: request.customerEmail,
          shippingAddress: request.shippingAddress,
          items: items.map((item) => ({
            sku: item.sku,
            name: item.name,
            quantity: item.quantity,
            unitPriceCents: item.unit_price_cents,
          })),
          itemsTotalCents,
          shippingCents: quote.priceCents,
          totalCents: itemsTotalCents + quote.priceCents,
        },
        { correlationId: orderId, partitionKey: orderId },
      );
    });
    return { orderId, cartId };
  }

  /** The answer already given under this key, if any (refused if the request differs). */
  private async answered(key: string, requestHash: string): Promise<CheckoutAccepted | undefined> {
    const [earlier] = await this.prisma.sql.$queryRaw<{
      request_hash: string;
      order_id: string;
      cart_id: string;
    }>`SELECT request_hash, order_id, cart_id FROM checkout_request WHERE idempotency_key = ${key}`;
    if (!earlier) return undefined;
    if (earlier.request_hash !== requestHash) throw new IdempotencyKeyReusedError(key);
    return { orderId: earlier.order_id, cartId: earlier.cart_id };
  }

  /**
   * Asks shipping for the price through Nest's ClientProxy (`send`: a request on the bus, the
   * payload and the response validated by the QuoteShipping contract, timing out after
   * QUOTE_TIMEOUT_MS).
   */
  async quote(country: string, itemCount: number): Promise<ResponseOf<typeof QuoteShipping>> {
    try {
      return await firstValueFrom(
        this.shipping.send<ResponseOf<typeof QuoteShipping>>(QuoteShipping.type, {
          country: country.toUpperCase(),
          itemCount,
        }),
      );
    } catch (error) {
      const unavailable =
        error instanceof RequestTimeoutError ||
        error instanceof UnroutableMessageError ||
        error instanceof TransportDisconnectedError;
      if (unavailable) throw new ShippingUnavailableError(error.message);
      throw error;
    }
  }
}
