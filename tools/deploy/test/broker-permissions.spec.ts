import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { shopExchanges } from '@shopbus/contracts';
import { brokerControl, createTestVhost, rabbitmqUrl, type TestVhost } from '@shopbus/testing';
import { cartManifest } from './cart-manifest.fixture';
import { rabbitmqDefinitions } from '../rabbitmq-definitions';

const cart = cartManifest;
const exchanges = shopExchanges();

interface Definitions {
  permissions: { user: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; exchange: string; write: string; read: string }[];
}

/**
 * The permissions the broker's definitions give a service's user (services run with
 * BROKER_TOPOLOGY=verify: the administrator declared everything), applied to a user of this run
 * in a virtual host of its own and tried with real connections: what is allowed works, each
 * forbidden action is refused by the broker (ACCESS_REFUSED), not by the library.
 */
describe('a service user’s permissions on the broker, as the definitions give them', () => {
  const user = `test-cart-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  let vhost: TestVhost;
  let admin: ChannelModel;
  let asCart: ChannelModel;

  beforeAll(async () => {
    vhost = await createTestVhost('permissions');
    const definitions = rabbitmqDefinitions([cart], () => password) as Definitions;
    const own = definitions.permissions.find((p) => p.user === 'cart');
    const topic = definitions.topic_permissions.find((p) => p.user === 'cart');
    if (!own || !topic) throw new Error('the definitions give the cart user no permissions');
    await brokerControl.addUser(user, password);
    await brokerControl.setPermissions(vhost.name, user, own);
    await brokerControl.setTopicPermissions(vhost.name, user, topic);
    // The topology, as the administrator's declare-only run leaves it.
    admin = await connect(vhost.url);
    const setUp = await admin.createChannel();
    await setUp.assertExchange(exchanges.events, 'topic');
    await setUp.assertExchange(exchanges.commands, 'direct');
    await setUp.assertExchange(exchanges.notifications, 'headers');
    await setUp.assertExchange(exchanges.audit, 'fanout', { internal: true });
    await setUp.bindExchange(exchanges.audit, exchanges.events, '#');
    for (const queue of [
      'order.fulfilment',
      'cart.check-abandonment',
      'cart.check-abandonment.retry.1000ms',
    ]) {
      await setUp.assertQueue(queue);
    }
    await setUp.bindQueue('order.fulfilment', exchanges.events, '#');
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
  const publish = async (exchange: string, routingKey: string): Promise<void> => {
    const channel: ConfirmChannel = await asCart.createConfirmChannel();
    const closed = new Promise<never>((_, reject) =>
      channel.once('error', (error: Error) => reject(error)),
    );
    channel.publish(exchange, routingKey, Buffer.from('{}'));
    await Promise.race([channel.waitForConfirms(), closed]);
    await channel.close();
  };
  /** Runs one operation as the cart's user on a channel of its own (a refusal closes it). */
  const asCartDo = async (operation: (channel: Channel) => Promise<unknown>): Promise<void> => {
    const channel = await asCart.createChannel();
    channel.on('error', () => undefined);
    await operation(channel);
    await channel.close().catch(() => undefined);
  };
  const depth = async (queue: string) => {
    const channel = await admin.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  };

  it('publishes its own events and fault events on the events exchange', async () => {
    const before = await depth('order.fulfilment');
    await publish(exchanges.events, 'cart.checked-out');
    await publish(exchanges.events, 'shipping.create-shipment.faulted');
    expect((await depth('order.fulfilment')) - before).toBe(2);
  });

  it.each(['order.cancelled', 'shipment.delivered', 'cart', 'order.placed.faultedx'])(
    'may not publish %s on the events exchange: ACCESS_REFUSED',
    async (routingKey) => {
      await expect(publish(exchanges.events, routingKey)).rejects.toThrow(/ACCESS_REFUSED/);
    },
  );

  it('consumes its own queue and redelivers into its retry queue', async () => {
    await asCartDo((channel) => channel.consume('cart.check-abandonment', () => undefined));
    const before = await depth('cart.check-abandonment.retry.1000ms');
    await publish('', 'cart.check-abandonment.retry.1000ms');
    expect((await depth('cart.check-abandonment.retry.1000ms')) - before).toBe(1);
  });

  it.each<[string, (channel: Channel) => Promise<unknown>]>([
    ['read another service’s queue', (c) => c.consume('order.fulfilment', () => undefined)],
    ['purge another service’s queue', (c) => c.purgeQueue('order.fulfilment')],
    ['declare a queue, even one named as its own', (c) => c.assertQueue('cart.stolen')],
    ['delete its own queue', (c) => c.deleteQueue('cart.check-abandonment')],
    ['declare a shared exchange', (c) => c.assertExchange('shop.sideline', 'topic')],
    ['delete a shared exchange', (c) => c.deleteExchange(exchanges.notifications)],
    [
      'bind its queue to the audit exchange',
      (c) => c.bindQueue('cart.check-abandonment', exchanges.audit, ''),
    ],
    [
      'bind its queue to every event',
      (c) => c.bindQueue('cart.check-abandonment', exchanges.events, '#'),
    ],
    [
      'bind its queue to the commands',
      (c) => c.bindQueue('cart.check-abandonment', exchanges.commands, 'shipping.quote'),
    ],
    [
      'bind the audit exchange to another exchange',
      (c) => c.bindExchange(exchanges.notifications, exchanges.audit, ''),
    ],
  ])('may not %s: ACCESS_REFUSED', async (_what, operation) => {
    await expect(asCartDo(operation)).rejects.toThrow(/ACCESS_REFUSED/);
  });

  it('may not publish on the internal audit exchange', async () => {
    await expect(publish(exchanges.audit, 'cart.checked-out')).rejects.toThrow(/ACCESS_REFUSED/);
  });
});
