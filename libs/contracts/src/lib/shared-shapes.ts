import { z } from 'zod';

/** Money is whole cents in every message: no floating point between services. */
export const cents = z.number().int().nonnegative();

export const shippingAddress = z.object({
  name: z.string().min(1),
  street: z.string().min(1),
  city: z.string().min(1),
  postalCode: z.string().min(1),
  /** ISO 3166-1 alpha-2, e.g. "DE". */
  country: z.string().length(2),
});
export type ShippingAddress = z.output<typeof shippingAddress>;
