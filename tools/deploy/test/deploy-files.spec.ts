import { createHash } from 'node:crypto';
import { composeDisagreements } from '../compose-services';
import { composeServiceBlock } from '../../generators/service/compose-service-block';
import { cartManifest } from './cart-manifest.fixture';
import { rabbitmqDefinitions, rabbitPasswordHash } from '../rabbitmq-definitions';
import { parse } from 'yaml';

const cart = cartManifest;

/** A compose file as the generator writes a service into it. */
const composeOf = (block: string) =>
  parse(
    `x-service: &service\n  image: shopbus:latest\nx-demo-settings: &demo-settings\n  LOG_LEVEL: info\nservices:\n${block}`,
    { merge: true },
  );

describe('deployment files from the manifests', () => {
  it('finds nothing to say of a compose block the generator wrote', () => {
    expect(composeDisagreements(composeOf(composeServiceBlock(cart)), [cart])).toEqual([]);
  });

  it('names a compose service that listens on another port than its manifest says', () => {
    const block = composeServiceBlock(cart).replace("PORT: '3001'", "PORT: '3009'");
    expect(composeDisagreements(composeOf(block), [cart])).toEqual([
      'docker-compose.yml services.cart: PORT is 3009, expected 3001',
    ]);
  });

  it('names a service of the shop image without a manifest, and a manifest without a service', () => {
    const block = composeServiceBlock(cart).replace('  cart:', '  basket:');
    expect(composeDisagreements(composeOf(block), [cart])).toEqual([
      'docker-compose.yml services.cart is missing',
      'docker-compose.yml services.basket runs the shop image but apps/basket/service.json does not exist',
    ]);
  });

  it('hashes broker passwords as RabbitMQ checks them: sha256 of salt and password, salt first', () => {
    const hash = Buffer.from(rabbitPasswordHash('cart', 'cart-secret'), 'base64');
    const salt = hash.subarray(0, 4);
    const digest = createHash('sha256').update(Buffer.concat([salt, Buffer.from('cart-secret')]));
    expect(hash.subarray(4)).toEqual(digest.digest());
  });

  it('lets a service user configure and read only the shop exchanges and its own queues', () => {
    const definitions = rabbitmqDefinitions([cart]) as { permissions: Record<string, string>[] };
    const own = definitions.permissions.find((permission) => permission.user === 'cart');
    const configure = new RegExp(own?.['configure'] ?? '^$');
    expect(configure.test('cart.check-abandonment.dlq')).toBe(true);
    expect(configure.test('shop.events')).toBe(true);
    expect(configure.test('order.fulfilment')).toBe(false);
    expect(configure.test('cartx.anything')).toBe(false);
  });
});
