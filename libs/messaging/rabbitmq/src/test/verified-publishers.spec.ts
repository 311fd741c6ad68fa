import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import {
  handlerFor,
  MessageBus,
  silentLogger,
  verifiedPublishers,
  type MessageEnvelope,
} from '@shopbus/messaging-core';
import {
  brokerControl,
  Countdown,
  createTestVhost,
  until,
  uniqueExchanges,
  type TestVhost,
} from '@shopbus/testing';
import { DeadLetterQueues } from '../lib/dead-letters/dead-letter-queues';
import { RabbitMqTransport } from '../lib/rabbitmq-transport';
import { DoThing, ThingHappened } from './test-contracts';

/**
 * Who published a message, as the broker validated it, against what its envelope says: real
 * users in a virtual host of their own (a service's user named as the service, an operator).
 */
describe('verified publishers', () => {
  const suffix = randomBytes(3).toString('hex');
  const users = {
    sender: `sender-${suffix}`,
    receiver: `receiver-${suffix}`,
    operator: `operator-${suffix}`,
  };
  const passwords = Object.fromEntries(
    Object.values(users).map((u) => [u, randomBytes(12).toString('hex')]),
  );
  const exchanges = uniqueExchanges();
  let vhost: TestVhost;
  const transports: RabbitMqTransport[] = [];
  const urlOf = (user: string) => {
    const url = new URL(vhost.url);
    url.username = user;
    url.password = passwords[user];
    return url.toString();
  };
  const transportOf = async (user: string) => {
    const transport = new RabbitMqTransport({
      url: urlOf(user),
      ...exchanges,
      logger: silentLogger,
      trustedRelays: [users.operator],
    });
    transports.push(transport);
    await transport.start();
    return transport;
  };

  beforeAll(async () => {
    vhost = await createTestVhost('publishers');
    for (const user of Object.values(users)) {
      await brokerControl.addUser(user, passwords[user]);
      await brokerControl.setPermissions(vhost.name, user, {
        configure: '.*',
        write: '.*',
        read: '.*',
      });
    }
  });
  afterAll(async () => {
    for (const transport of transports) await transport.close();
    for (const user of Object.values(users))
      await brokerControl.deleteUser(user).catch(() => undefined);
    await vhost?.delete();
  });

  /**
   * The receiver's endpoint, believing sources only as the broker validated them; a
   * `test.do-thing` command only from the operator's tools' source, `planner`.
   */
  const receive = async (queue: string, attempts = { failFirst: 0 }) => {
    const bus = new MessageBus(await transportOf(users.receiver), {
      source: users.receiver,
      logger: silentLogger,
      middleware: [
        verifiedPublishers({
          trusted: [users.operator],
          senders: (type) => (type === DoThing.type ? ['planner'] : undefined),
        }),
      ],
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [100] },
    });
    const handled = new Countdown<MessageEnvelope<unknown>>();
    let failures = 0;
    await bus.subscribe({
      queue,
      handlers: [
        handlerFor(ThingHappened, async (_, { envelope }) => {
          if (failures++ < attempts.failFirst) throw new Error('not yet');
          handled.record(envelope);
        }),
        handlerFor(DoThing, async (_, { envelope }) => handled.record(envelope)),
      ],
    });
    return { bus, handled };
  };

  it('handles what a service publishes as itself, also after a redelivery copied by the receiver', async () => {
    const { handled } = await receive(`${users.receiver}.honest`, { failFirst: 1 });
    const sender = new MessageBus(await transportOf(users.sender), {
      source: users.sender,
      logger: silentLogger,
    });

    const sent = await sender.publish(ThingHappened, { n: 1 });

    const [envelope] = await handled.reach(1);
    expect(envelope.messageId).toBe(sent.messageId);
  });

  it('dead-letters a message whose envelope names another source than the user that published it', async () => {
    const queue = `${users.receiver}.forged`;
    const { bus, handled } = await receive(queue);
    const forger = new MessageBus(await transportOf(users.sender), {
      source: users.receiver,
      logger: silentLogger,
    });

    await forger.publish(ThingHappened, { n: 2 });

    const dlq = bus.transport.deadLetterQueues();
    await until(
      async () => (await dlq.list(queue)).total === 1,
      'the forged message dead-lettered',
    );
    const [dead] = (await dlq.list(queue)).messages;
    expect(dead.reason).toBe(
      `"test.thing-happened" says it comes from "${users.receiver}", but broker user "${users.sender}" published it`,
    );
    expect(handled.seen).toEqual([]);
  });

  it('dead-letters a command its verified sender may not send, put straight into the queue', async () => {
    const queue = `${users.receiver}.commanded`;
    const { bus, handled } = await receive(queue);
    const sender = new MessageBus(await transportOf(users.sender), {
      source: users.sender,
      logger: silentLogger,
    });

    // In its own name, through the default exchange: the broker lets it through.
    await sender.send(DoThing, { n: 5 }, { queue });

    const dlq = bus.transport.deadLetterQueues();
    await until(async () => (await dlq.list(queue)).total === 1, 'the command dead-lettered');
    const [dead] = (await dlq.list(queue)).messages;
    expect(dead.reason).toBe(
      `"test.do-thing" may be sent only by planner, not by "${users.sender}"`,
    );
    expect(handled.seen).toEqual([]);
  });

  it('the broker refuses a user_id other than the connection’s user', async () => {
    const connection = await connect(urlOf(users.sender));
    const channel = await connection.createConfirmChannel();
    const refused = new Promise<Error>((resolve) => channel.once('error', resolve));
    channel.publish(exchanges.eventsExchange, 'test.thing-happened', Buffer.from('{"n":3}'), {
      userId: users.receiver,
      appId: users.receiver,
    });
    expect((await refused).message).toMatch(/PRECONDITION_FAILED.*user_id property set to/);
    await connection.close().catch(() => undefined);
  });

  it('an operator’s replay keeps the first publisher: the replayed message is handled', async () => {
    const queue = `${users.receiver}.replayed`;
    const refusing = new MessageBus(await transportOf(users.receiver), {
      source: users.receiver,
      logger: silentLogger,
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [] },
    });
    const consumer = await refusing.subscribe({
      queue,
      handlers: [
        handlerFor(ThingHappened, async () => {
          throw new Error('down');
        }),
      ],
    });
    const sender = new MessageBus(await transportOf(users.sender), {
      source: users.sender,
      logger: silentLogger,
    });
    const sent = await sender.publish(ThingHappened, { n: 4 });
    const dlq = refusing.transport.deadLetterQueues();
    await until(async () => (await dlq.list(queue)).total === 1, 'the message dead-lettered');
    await consumer.stop();
    const { handled } = await receive(queue);

    const operator = await DeadLetterQueues.connect(urlOf(users.operator));
    try {
      expect((await operator.replay(queue)).replayed).toEqual([sent.messageId]);
    } finally {
      await operator.close();
    }

    const [envelope] = await handled.reach(1);
    expect(envelope.source).toBe(users.sender);
  });
});
