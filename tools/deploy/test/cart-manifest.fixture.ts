import { parseServiceManifest } from '@shopbus/service-manifest';

/** The cart's manifest as the deployment files' tests use it. */
export const cartManifest = parseServiceManifest(
  {
    name: 'cart',
    port: 3001,
    database: 'shop_cart',
    databaseUrlVariable: 'CART_DATABASE_URL',
    brokerUser: 'cart',
    queues: ['cart.check-abandonment'],
    events: ['cart'],
  },
  'cart',
);
