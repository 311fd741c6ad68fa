import { defineCommand, defineEvent } from '@shopbus/messaging-core';
import { z } from 'zod';
import { cents, shippingAddress } from './shared-shapes';

const cartLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: cents,
});

/**
 * State-carrying: everything the order service needs to create the order without asking the
 * cart anything, and the order id assigned up front (the id the checkout answered with).
 */
export const CartCheckedOut = defineEvent(
  'cart.checked-out',
  z.object({
    cartId: z.uuid(),
    orderId: z.uuid(),
    customerEmail: z.email(),
    shippingAddress,
    items: z.array(cartLine).min(1),
    itemsTotalCents: cents,
    shippingCents: cents,
    totalCents: cents,
  }),
  { personalData: true, senders: ['cart'] },
);

export const CartAbandoned = defineEvent(
  'cart.abandoned',
  z.object({
    cartId: z.uuid(),
    customerEmail: z.email().optional(),
    itemCount: z.number().int().positive(),
    totalCents: cents,
  }),
  { personalData: true, senders: ['cart'] },
);

/** The cart's own scheduled check, sent to itself when a cart first gets an item. */
export const CheckCartAbandonment = defineCommand(
  'cart.check-abandonment',
  z.object({ cartId: z.uuid() }),
  { senders: ['cart'] },
);
