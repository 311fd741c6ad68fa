import { randomBytes } from 'node:crypto';
import { handlerFor, MessageBus, silentLogger } from '@shopbus/messaging-core';
import {
  brokerControl,
  Countdown,
  createTestVhost,
  uniqueExchanges,
  type TestVhost,
} from '@shopbus/testing';
import { connect } from 'amqplib';
import { RabbitMqTransport } from '../lib/rabbitmq-transport';
import type { TopologyMode } from '../lib/topology/topology-mode';
import { TopologyMissingError } from '../lib/topology/topology-missing.error';
import { ThingHappened } from './test-contracts';

/**
 * An administrator declares the topology (`declare-only`), a service whose user may configure
 * nothing runs on it (`verify`): in a virtual host of this run, with real users.
 */
describe('topology modes: declared by an administrator, verified by the service', () => {
  const suffix = randomBytes(3).toString('hex');
  const service = `service-${suffix}`;
  const password = randomBytes(12).toString('hex');
  const exchanges = uniqueExchanges();
  const queue = `svc-${suffix}.things`;
  let vhost: TestVhost;
  const transports: RabbitMqTransport[] = [];

  const urlAs = (user?: string) => {
    const url = new URL(vhost.url);
    if (user) {
      url.username = user;
      url.password = password;
    }
    return url.toString();
  };
  const transport = async (topologyMode: TopologyMode, user?: string) => {
    const created = new RabbitMqTransport({
      url: urlAs(user),
      ...exchanges,
      topologyMode,
      logger: silentLogger,
      reconnect: { initialMaxRetries: 0 },
    });
    transports.push(created);
    await created.start();
    return created;
  };
  const endpoint = (onHandled: () => void) => ({
    queue,
    recoverability: { redeliveryDelaysMs: [1000] },
    handlers: [handlerFor(ThingHappened, async () => onHandled())],
  });

  beforeAll(async () => {
    vhost = await createTestVhost('topology');
    await brokerControl.addUser(service, password);
    // No configure at all: it can neither declare nor delete anything.
    await brokerControl.setPermissions(vhost.name, service, {
      configure: '^$',
      write: '.*',
      read: '.*',
    });
  });
  afterAll(async () => {
    for (const created of transports) await created.close().catch(() => undefined);
    await brokerControl.deleteUser(service).catch(() => undefined);
    await vhost?.delete();
  });

  it('a service that may not configure fails in declare mode: the broker refuses', async () => {
    await expect(transport('declare', service)).rejects.toThrow(/ACCESS_REFUSED/);
  });

  it('verify mode fails at once naming every missing exchange and queue', async () => {
    const verifying = transport('verify', service);
    await expect(verifying).rejects.toBeInstanceOf(TopologyMissingError);
    await expect(verifying).rejects.toThrow(
      new RegExp(`exchanges ${exchanges.eventsExchange}, ${exchanges.commandsExchange}`),
    );
  });

  it('declare-only declares the exchanges and the endpoint’s queues without consuming', async () => {
    const admin = await transport('declare-only');
    const bus = new MessageBus(admin, { source: 'admin', logger: silentLogger });
    await bus.subscribe(endpoint(() => undefined));

    const connection = await connect(vhost.url);
    const channel = await connection.createChannel();
    try {
      for (const name of [queue, `${queue}.dlq`, `${queue}.retry.1000ms`]) {
        expect((await channel.checkQueue(name)).consumerCount).toBe(0);
      }
    } finally {
      await connection.close();
    }
  });

  it('verify mode then starts without declaring and consumes what is published', async () => {
    const verifying = await transport('verify', service);
    const bus = new MessageBus(verifying, { source: service, logger: silentLogger });
    const handled = new Countdown();
    await bus.subscribe(endpoint(() => handled.record('handled')));
    await bus.publish(ThingHappened, { n: 1 });
    await handled.reach(1);
  });

  it('verify mode names a queue the administrator did not declare when an endpoint subscribes', async () => {
    const verifying = await transport('verify', service);
    const bus = new MessageBus(verifying, { source: service, logger: silentLogger });
    await expect(
      bus.subscribe({ queue: `svc-${suffix}.undeclared`, handlers: endpoint(() => 0).handlers }),
    ).rejects.toThrow(`queues svc-${suffix}.undeclared, svc-${suffix}.undeclared.dlq`);
  });
});
