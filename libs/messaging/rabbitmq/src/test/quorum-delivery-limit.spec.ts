import { DoThing } from './test-contracts';
import { naming } from '../lib/topology/naming';
import { startTransportFixture, type TransportFixture } from './transport-fixture';

describe('quorum queues: the delivery limit is a backstop', () => {
  let fixture: TransportFixture;

  beforeEach(async () => {
    fixture = await startTransportFixture({ queueKind: 'quorum', deliveryLimit: 2 });
  });
  afterEach(() => fixture.close());

  it('a message whose handling keeps crashing past the policy is dead-lettered by the broker, not looped', async () => {
    const queue = fixture.queueName('quorum-crashing');
    let deliveries = 0;
    // Straight on the transport, without the recoverability middleware: every delivery's handler
    // rejects, as when the process dies mid-message, and the broker requeues it each time.
    await fixture.transport.consume(
      { queue, prefetch: 1, contracts: [DoThing], redeliveryDelaysMs: [] },
      async () => {
        deliveries += 1;
        throw new Error('crashed mid-message');
      },
    );
    const sent = await fixture.bus.send(DoThing, { n: 1 });

    const [dead] = await fixture.admin.nextMessages(naming.deadLetterQueue(queue));
    const listing = dead.properties.headers?.['x-death'] as { reason: string }[];

    expect(dead.properties.messageId).toBe(sent.messageId);
    expect(listing[0].reason).toBe('delivery_limit');
    // The first delivery and two redeliveries, then the broker gave it up.
    expect(deliveries).toBe(3);
  });

  it('the dead-letter tool shows the broker’s reason for such a message', async () => {
    const queue = fixture.queueName('quorum-listed');
    await fixture.transport.consume(
      { queue, prefetch: 1, contracts: [DoThing], redeliveryDelaysMs: [] },
      async () => {
        throw new Error('crashed mid-message');
      },
    );
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
