import { connect, type ChannelModel } from 'amqplib';
import { rabbitmqUrl } from '@shopbus/testing';
import { DoThing } from './test-contracts';
import { naming } from '../lib/topology/naming';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

/**
 * The library's own consumers never requeue a message more than once (see QueueConsumer), but a
 * process that dies mid-message, or another client on the queue, hands it back again and again.
 * On quorum queues the broker counts deliveries and dead-letters the message past the limit.
 */
describe('quorum queues: the delivery limit is a backstop', () => {
  let fixture: TransportFixture;
  let crashing: ChannelModel | undefined;

  beforeEach(async () => {
    fixture = await startTransportFixture({ queueKind: 'quorum', deliveryLimit: 2 });
  });
  afterEach(async () => {
    await crashing?.close().catch(() => undefined);
    await fixture.close();
  });

  /**
   * The endpoint's queue as the library declares it, consumed by a client that hands every
   * delivery back (as a crash would); resolves with a counter of its deliveries.
   */
  const crashingConsumer = async (queue: string) => {
    const declared = await fixture.transport.consume(
      { queue, prefetch: 1, contracts: [DoThing], redeliveryDelaysMs: [] },
      async () => undefined,
    );
    await declared.stop();
    const deliveries = { count: 0 };
    crashing = await connect(rabbitmqUrl());
    const channel = await crashing.createChannel();
    await channel.prefetch(1);
    await channel.consume(queue, (message) => {
      if (!message) return;
      deliveries.count += 1;
      channel.nack(message, false, true);
    });
    return deliveries;
  };

  it('a message handed back on every delivery is dead-lettered by the broker, not looped', async () => {
    const queue = fixture.queueName('quorum-crashing');
    const deliveries = await crashingConsumer(queue);
    const sent = await fixture.bus.send(DoThing, { n: 1 });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    const listing = dead.properties.headers?.['x-death'] as { reason: string }[];

    expect(dead.properties.messageId).toBe(sent.messageId);
    expect(listing[0].reason).toBe('delivery_limit');
    // The first delivery and two redeliveries, then the broker gave it up.
    expect(deliveries.count).toBe(3);
  });

  it('the dead-letter tool shows the broker’s reason for such a message', async () => {
    const queue = fixture.queueName('quorum-listed');
    await crashingConsumer(queue);
    await fixture.bus.send(DoThing, { n: 1 });
    await fixture.admin.untilMessageCount(naming.deadLetterQueue(queue), 1);

    const { messages } = await fixture.transport.deadLetterQueues().list(queue);
    expect(messages[0]).toMatchObject({
      reason: 'dead-lettered by the broker: delivery_limit',
      originalExchange: fixture.transport.commandsExchange,
      originalRoutingKey: 'test.do-thing',
    });
  });
});
