/**
 * The four services as the tools start them: where each lives, its port, its database and the
 * variable that names it. One list, read by db:setup, start and the demo.
 */
export interface ServiceSpec {
  name: 'cart' | 'order' | 'shipping' | 'notification';
  port: number;
  database: string;
  databaseUrlVariable: string;
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'cart', port: 3001, database: 'shop_cart', databaseUrlVariable: 'CART_DATABASE_URL' },
  { name: 'order', port: 3002, database: 'shop_order', databaseUrlVariable: 'ORDER_DATABASE_URL' },
  {
    name: 'shipping',
    port: 3003,
    database: 'shop_shipping',
    databaseUrlVariable: 'SHIPPING_DATABASE_URL',
  },
  {
    name: 'notification',
    port: 3004,
    database: 'shop_notification',
    databaseUrlVariable: 'NOTIFICATION_DATABASE_URL',
  },
];

/** The service's database URL: its variable if set, else the database on POSTGRES_URL's server. */
export function databaseUrlOf(service: ServiceSpec, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[service.databaseUrlVariable];
  if (given) return given;
  const server = new URL(env['POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  server.pathname = `/${service.database}`;
  return server.toString();
}
