import { randomBytes } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { shopExchanges } from '@shopbus/contracts';
import { brokerControl, createTestVhost, rabbitmqUrl, type TestVhost } from '@shopbus/testing';
import { cartManifest } from './cart-manifest.fixture';
import { rabbitmqDefinitions } from '../rabbitmq-definitions';

const cart = cartManifest;

interface Definitions {
  permissions: { user: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; exchange: string; write: string; read: string }[];
}

/**
 * The permissions deploy/rabbitmq/definitions.json gives a service's user, applied to a user of
 * this run in a virtual host of its own, and tried with real connections: what is allowed works,
 * what is not is refused by the broker (ACCESS_REFUSED), not by the library.
 */
describe('a service user’s permissions on the broker, as definitions.json gives them', () => {
  const events = shopExchanges().events;
  const user = `test-cart-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  let vhost: TestVhost;
  let admin: ChannelModel;
  let asCart: ChannelModel;

  beforeAll(async () => {
    vhost = await createTestVhost('permissions');
    const definitions = rabbitmqDefinitions([cart]) as Definitions;
    const own = definitions.permissions.find((p) => p.user === 'cart');
    const topic = definitions.topic_permissions.find((p) => p.user === 'cart');
    if (!own || !topic) throw new Error('definitions.json gives the cart user no permissions');
    await brokerControl.addUser(user, password);
    await brokerControl.setPermissions(vhost.name, user, own);
    await brokerControl.setTopicPermissions(vhost.name, user, topic);
    admin = await connect(vhost.url);
    const setUp = await admin.createChannel();
    await setUp.assertExchange(events, 'topic');
    await setUp.assertQueue('order.fulfilment');
    await setUp.bindQueue('order.fulfilment', events, '#');
    await setUp.close();
    const url = new URL(rabbitmqUrl());
    url.username = user;
    url.password = password;
    url.pathname = `/${encodeURIComponent(vhost.name)}`;
    asCart = await connect(url.toString());
  });
  afterAll(async () => {
    await asCart?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await brokerControl.deleteUser(user).catch(() => undefined);
    await vhost?.delete();
  });

  /** Publishes on a fresh confirm channel; resolves when confirmed, rejects with the broker's reason. */
  const publish = async (routingKey: string): Promise<void> => {
    const channel: ConfirmChannel = await asCart.createConfirmChannel();
    const closed = new Promise<never>((_, reject) =>
      channel.once('error', (error: Error) => reject(error)),
    );
    channel.publish(events, routingKey, Buffer.from('{}'));
    await Promise.race([channel.waitForConfirms(), closed]);
    await channel.close();
  };

  it('publishes its own events and fault events on the events exchange', async () => {
    await publish('cart.checked-out');
    await publish('shipping.create-shipment.faulted');
    const channel = await admin.createChannel();
    expect((await channel.checkQueue('order.fulfilment')).messageCount).toBe(2);
    await channel.close();
  });

  it.each(['order.cancelled', 'shipment.delivered', 'cart', 'order.placed.faultedx'])(
    'may not publish %s: ACCESS_REFUSED',
    async (routingKey) => {
      await expect(publish(routingKey)).rejects.toThrow(/ACCESS_REFUSED/);
    },
  );

  it('may not read or declare another service’s queue', async () => {
    const reading = await asCart.createChannel();
    reading.on('error', () => undefined);
    await expect(reading.consume('order.fulfilment', () => undefined)).rejects.toThrow(
      /ACCESS_REFUSED/,
    );
    const declaring = await asCart.createChannel();
    declaring.on('error', () => undefined);
    await expect(declaring.assertQueue('order.stolen')).rejects.toThrow(/ACCESS_REFUSED/);
  });
});
