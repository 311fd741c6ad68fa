import { randomUUID } from 'node:crypto';
import type { CartCheckedOut } from '@shopbus/contracts';
import type { PayloadOf } from '@shopbus/messaging-core';

/** A checkout as the cart announces it: two blue mugs to Berlin, 31.70 in all. */
export const checkout = (orderId: string = randomUUID()): PayloadOf<typeof CartCheckedOut> => ({
  cartId: randomUUID(),
  orderId,
  customerEmail: 'ada@example.com',
  shippingAddress: {
    name: 'Ada',
    street: '1 Row',
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
  },
  items: [{ sku: 'MUG-BLUE', name: 'Blue enamel mug', quantity: 2, unitPriceCents: 1290 }],
  itemsTotalCents: 2580,
  shippingCents: 590,
  totalCents: 3170,
});
