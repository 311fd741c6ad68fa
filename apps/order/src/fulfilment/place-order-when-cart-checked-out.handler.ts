import { Inject, Injectable } from '@nestjs/common';
import {
  CartCheckedOut,
  CreateShipment,
  DispatchDeadlinePassed,
  OrderPlaced,
} from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Outbox, transactionOf } from '@shopbus/messaging-outbox';
import type { PgTransaction } from '@shopbus/persistence';
import type { OrderConfig } from '../config';
import { ORDER_CONFIG } from '../order.tokens';
import { orderEndpoints } from '../order.endpoints';

/**
 * Starts an order's saga from `cart.checked-out`: the order (with the id the cart assigned) and
 * its first history line, `order.placed`, the `create-shipment` command to shipping through the
 * commands exchange, and the dispatch deadline as a scheduled message, all in one transaction.
 * The endpoint is idempotent: a redelivered checkout (or a second instance of this service)
 * creates nothing twice; an order that exists already (the same checkout under another message id) is left as
 * it is and announced no second time.
 *
 * Run for every checkout, so in plain SQL on the service's pool: inbox claim, order + history
 * (one statement), the three messages (one statement): three round trips between BEGIN and
 * COMMIT where the same through Prisma's client took eight.
 */
@Injectable()
export class PlaceOrderWhenCartCheckedOut {
  constructor(
    private readonly outbox: Outbox,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
  ) {}

  @MessageHandler(CartCheckedOut, orderEndpoints.cartCheckedOut)
  async place(checkout: PayloadOf<typeof CartCheckedOut>, context: MessageContext): Promise<void> {
    const tx = transactionOf<PgTransaction>(context);
    const messages = this.outbox.batch();
    const inOrder = { partitionKey: checkout.orderId };
    const deadline = messages.schedule(
      DispatchDeadlinePassed,
      { orderId: checkout.orderId },
      {
        delayMs: this.config.dispatchDeadlineMs,
        destination: { queue: orderEndpoints.fulfilment.queue },
      },
    );
    messages.publish(
      OrderPlaced,
      {
        orderId: checkout.orderId,
        customerEmail: checkout.customerEmail,
        totalCents: checkout.totalCents,
        itemCount: checkout.items.reduce((sum, item) => sum + item.quantity, 0),
      },
      inOrder,
    );
    messages.send(
      CreateShipment,
      {
        orderId: checkout.orderId,
        shippingAddress: checkout.shippingAddress,
        items: checkout.items.map(({ sku, quantity }) => ({ sku, quantity })),
      },
      undefined,
      inOrder,
    );
    const placed = await tx.$executeRaw`
        WITH placed AS (
          INSERT INTO "order"
            (id, cart_id, customer_email, status, items_total_cents, shipping_cents,
             total_cents, items, shipping_address, deadline_message, updated_at)
          VALUES
            (${checkout.orderId}::uuid, ${checkout.cartId}::uuid, ${checkout.customerEmail},
             'placed', ${checkout.itemsTotalCents}, ${checkout.shippingCents},
             ${checkout.totalCents}, ${JSON.stringify(checkout.items)}::jsonb,
             ${JSON.stringify(checkout.shippingAddress)}::jsonb, ${deadline.messageId}::uuid, now())
          ON CONFLICT (id) DO NOTHING
          RETURNING id
        )
        INSERT INTO order_history (order_id, status, cause)
        SELECT id, 'placed', ${CartCheckedOut.type} FROM placed`;
    if (placed === 0) return;
    await messages.write(tx);
  }
}
