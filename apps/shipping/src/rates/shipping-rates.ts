/**
 * Where the shop ships, what it costs and how long it takes. A country missing here cannot be
 * served: a quote says so, and a shipment to it fails.
 */
interface Rate {
  baseCents: number;
  perItemCents: number;
  days: number;
  carrier: string;
}

const RATES: Readonly<Record<string, Rate>> = {
  DE: { baseCents: 490, perItemCents: 50, days: 2, carrier: 'DHL' },
  AT: { baseCents: 690, perItemCents: 60, days: 3, carrier: 'DHL' },
  NL: { baseCents: 690, perItemCents: 60, days: 3, carrier: 'PostNL' },
  FR: { baseCents: 790, perItemCents: 70, days: 4, carrier: 'Colissimo' },
  GB: { baseCents: 1290, perItemCents: 90, days: 5, carrier: 'Royal Mail' },
  US: { baseCents: 2490, perItemCents: 150, days: 8, carrier: 'UPS' },
};

export interface Quote {
  deliverable: boolean;
  priceCents: number;
  estimatedDays: number;
  carrier: string;
}

export function quoteFor(country: string, itemCount: number): Quote {
  const rate = RATES[country.toUpperCase()];
  if (!rate) return { deliverable: false, priceCents: 0, estimatedDays: 1, carrier: 'none' };
  return {
    deliverable: true,
    priceCents: rate.baseCents + rate.perItemCents * itemCount,
    estimatedDays: rate.days,
    carrier: rate.carrier,
  };
}

/**
 * Why the carrier cannot take a shipment to this address, if it cannot. A quote looks at the
 * country only; the full address is checked when the shipment is created, so an order can pass
 * checkout and still fail here (the demo's failed-shipment path uses postal code 00000).
 */
export function addressProblem(address: {
  country: string;
  postalCode: string;
}): string | undefined {
  if (!quoteFor(address.country, 1).deliverable) return `no delivery to ${address.country}`;
  if (/^0+$/.test(address.postalCode)) {
    return `the carrier does not know postal code ${address.postalCode}`;
  }
  return undefined;
}
