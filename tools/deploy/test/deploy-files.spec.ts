import { createHash } from 'node:crypto';
import { composeDisagreements } from '../compose-services';
import {
  composeServiceBlock,
  composeWithService,
} from '../../generators/service/compose-service-block';
import { cartManifest } from './cart-manifest.fixture';
import { composeVariables, envExample } from '../compose-env';
import { rabbitmqDefinitions, rabbitPasswordHash } from '../rabbitmq-definitions';
import { parse } from 'yaml';

const cart = cartManifest;

/** A compose file before any service, with the migrate step's role passwords (none yet but one). */
const emptyCompose = [
  'x-service: &service\n  image: shopbus:latest',
  'x-demo-settings: &demo-settings\n  LOG_LEVEL: info',
  'services:',
  '  migrate:\n    environment:\n      OTHER_DATABASE_PASSWORD: x\n',
  'volumes:\n  data:\n',
].join('\n');
/** A compose file as the generator writes a service into it, with `edit` applied to its text. */
const composeOf = (edit: (text: string) => string = (text) => text) =>
  parse(edit(composeWithService(emptyCompose, cart)), { merge: true });

describe('deployment files from the manifests', () => {
  it('finds nothing to say of a compose block the generator wrote', () => {
    expect(composeDisagreements(composeOf(), [cart])).toEqual([]);
  });

  it('names a compose service that listens on another port than its manifest says', () => {
    const compose = composeOf((text) => text.replace("PORT: '3001'", "PORT: '3009'"));
    expect(composeDisagreements(compose, [cart])).toEqual([
      'docker-compose.yml services.cart: PORT is 3009, expected 3001',
    ]);
  });

  it('names a service of the shop image without a manifest, and a manifest without a service', () => {
    const compose = composeOf((text) => text.replace('  cart:', '  basket:'));
    expect(composeDisagreements(compose, [cart])).toEqual([
      'docker-compose.yml services.cart is missing',
      'docker-compose.yml services.basket runs the shop image but apps/basket/service.json does not exist',
    ]);
  });

  it('names a service whose role the migrate step cannot make', () => {
    const compose = composeOf((text) => text.replace(/ {6}CART_DATABASE_PASSWORD: .*\n/, ''));
    expect(composeDisagreements(compose, [cart])).toEqual([
      'docker-compose.yml services.migrate: CART_DATABASE_PASSWORD is undefined, expected ${CART_DATABASE_PASSWORD:?run npm run compose:setup}',
    ]);
  });

  it('connects a service as its own broker user and Postgres role, over TLS', () => {
    const password = '${CART_BROKER_PASSWORD:?run npm run compose:setup}';
    const nodes = (...names: string[]) =>
      names.map((node) => `amqps://cart:${password}@${node}:5671`).join(',');
    const { services } = composeOf();
    expect(services.cart.environment.RABBITMQ_URL).toBe(
      nodes('rabbitmq', 'rabbitmq-2', 'rabbitmq-3'),
    );
    expect(services['cart-2'].environment.RABBITMQ_URL).toBe(
      nodes('rabbitmq-2', 'rabbitmq-3', 'rabbitmq'),
    );
    expect(services.cart.environment.RABBITMQ_ADDRESS_ORDER).toBe('in-order');
    expect(composeServiceBlock(cart)).toContain(
      "CART_DATABASE_URL: 'postgresql://cart:${CART_DATABASE_PASSWORD:?run npm run compose:setup}@postgres:5432/shop_cart?sslmode=verify-full&sslrootcert=/tls/ca.crt'",
    );
  });

  it('gives each service a second replica in the cluster profile, set as the first', () => {
    const { services } = composeOf((text) =>
      text.replace("PORT: '3001'", "PORT: '3001'\n      CART_ABANDON_AFTER_MS: '60000'"),
    );
    const { RABBITMQ_URL: _first, ...first } = services.cart.environment;
    const { RABBITMQ_URL: _second, ...second } = services['cart-2'].environment;
    expect(second).toEqual(first);
    expect(second.CART_ABANDON_AFTER_MS).toBe('60000');
    expect(services['cart-2'].profiles).toEqual(['cluster']);
    expect(services['cart-2'].ports).toBeUndefined();
    expect(services.cart.profiles).toBeUndefined();
  });

  it('names a replica that is missing, publishes a port, runs always or is set otherwise', () => {
    const withoutReplica = composeOf((text) => text.replace(/ {2}cart-2:[\s\S]*?\n\n/, ''));
    expect(composeDisagreements(withoutReplica, [cart])).toEqual([
      'docker-compose.yml services.cart-2 is missing',
    ]);
    const astray = composeOf((text) =>
      text
        .replace('    profiles: [cluster]\n', "    ports: ['3011:3001']\n")
        .replace(
          /(RABBITMQ_URL: 'amqps:\/\/cart:[^@']*@rabbitmq-2:5671[^']*')/,
          "$1\n      PORT: '3002'",
        ),
    );
    expect(composeDisagreements(astray, [cart])).toEqual([
      'docker-compose.yml services.cart-2: profiles is undefined, expected ["cluster"]',
      'docker-compose.yml services.cart-2: ports is ["3011:3001"], expected undefined',
      'docker-compose.yml services.cart-2: PORT is 3002, expected 3001',
    ]);
  });

  it('hashes broker passwords as RabbitMQ checks them: sha256 of salt and password, salt first', () => {
    const hash = Buffer.from(rabbitPasswordHash('a-password'), 'base64');
    const salt = hash.subarray(0, 4);
    const digest = createHash('sha256').update(Buffer.concat([salt, Buffer.from('a-password')]));
    expect(hash.subarray(4)).toEqual(digest.digest());
    // A fresh salt each time: equal passwords do not give equal hashes.
    expect(rabbitPasswordHash('a-password')).not.toBe(rabbitPasswordHash('a-password'));
  });

  it('gives a service user no configure permission and only its own queues to read', () => {
    const definitions = rabbitmqDefinitions([cart], () => 'pw') as {
      permissions: Record<string, string>[];
    };
    const own = definitions.permissions.find((permission) => permission.user === 'cart');
    const read = new RegExp(own?.['read'] ?? '^$');
    expect(own?.['configure']).toBe('^$');
    expect(read.test('cart.check-abandonment.dlq')).toBe(true);
    expect(read.test('shop.events')).toBe(false);
    expect(read.test('order.fulfilment')).toBe(false);
    expect(read.test('cartx.anything')).toBe(false);
  });

  it('lists every secret of .env.example and makes each a fresh value', () => {
    const example = envExample([cart]);
    const names = composeVariables([cart]).map((variable) => variable.name);
    expect(names).toEqual([
      'RABBITMQ_ADMIN_PASSWORD',
      'BROKER_ERLANG_COOKIE',
      'CART_BROKER_PASSWORD',
      'POSTGRES_PASSWORD',
      'CART_DATABASE_PASSWORD',
      'SHOP_OPERATOR_TOKENS',
      'SHOP_SCRAPE_TOKEN',
      'SHOP_MESSAGE_KEYS',
    ]);
    for (const name of names) expect(example).toContain(`\n${name}=\n`);
    const [first, second] = [1, 2].map(() => composeVariables([cart]).map((v) => v.make()));
    first.forEach((value, index) => expect(value).not.toBe(second[index]));
  });
});
