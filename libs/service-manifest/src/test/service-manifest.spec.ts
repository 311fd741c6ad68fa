import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseUrlOf, parseServiceManifest, readServiceManifests } from '../index';

const manifest = (name: string, port: number, overrides: Record<string, unknown> = {}) => ({
  name,
  port,
  database: `shop_${name}`,
  databaseUrlVariable: `${name.toUpperCase()}_DATABASE_URL`,
  brokerUser: name,
  queues: [`${name}.work`],
  ...overrides,
});

/** A workspace folder with these manifests under apps/<folder>/service.json. */
function workspaceWith(manifests: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'manifests-'));
  for (const [folder, content] of Object.entries(manifests)) {
    mkdirSync(path.join(root, 'apps', folder), { recursive: true });
    writeFileSync(path.join(root, 'apps', folder, 'service.json'), JSON.stringify(content));
  }
  mkdirSync(path.join(root, 'apps', 'shop-e2e'), { recursive: true });
  return root;
}

describe('service manifests', () => {
  it('reads every apps/<name>/service.json, ordered by port, skipping folders without one', () => {
    const root = workspaceWith({ order: manifest('order', 3002), cart: manifest('cart', 3001) });
    expect(readServiceManifests(root).map((m) => m.name)).toEqual(['cart', 'order']);
  });

  it('refuses a queue that does not start with the service name', () => {
    expect(() =>
      parseServiceManifest(manifest('cart', 3001, { queues: ['order.steal'] }), 'cart'),
    ).toThrow('queue "order.steal" must start with "cart."');
  });

  it('refuses unknown fields, so that a typo is not silently ignored', () => {
    expect(() => parseServiceManifest(manifest('cart', 3001, { prot: 1 }), 'x.json')).toThrow(
      /x.json is not a valid service manifest[\s\S]*prot/,
    );
  });

  it('refuses a manifest whose name differs from its folder', () => {
    const root = workspaceWith({ cart: manifest('basket', 3001) });
    expect(() => readServiceManifests(root)).toThrow('name "basket" differs from its folder');
  });

  it('refuses two services on one port or one database', () => {
    expect(() =>
      readServiceManifests(
        workspaceWith({ cart: manifest('cart', 3001), order: manifest('order', 3001) }),
      ),
    ).toThrow('cart and order share port 3001');
    expect(() =>
      readServiceManifests(
        workspaceWith({
          cart: manifest('cart', 3001),
          order: manifest('order', 3002, { database: 'shop_cart' }),
        }),
      ),
    ).toThrow('cart and order share database shop_cart');
  });

  it('finds a database URL in the service’s variable, else on POSTGRES_URL’s server, else locally', () => {
    const cart = parseServiceManifest(manifest('cart', 3001), 'cart');
    expect(databaseUrlOf(cart, { CART_DATABASE_URL: 'postgresql://db/x' })).toBe(
      'postgresql://db/x',
    );
    expect(databaseUrlOf(cart, { POSTGRES_URL: 'postgresql://pg:5/postgres' })).toBe(
      'postgresql://pg:5/shop_cart',
    );
    expect(databaseUrlOf(cart, {})).toBe('postgresql://postgres@127.0.0.1:5432/shop_cart');
  });
});
