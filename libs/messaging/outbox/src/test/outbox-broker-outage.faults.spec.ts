import { handlerFor, type MessageEnvelope } from '@shopbus/messaging-core';
import { brokerControl, Countdown } from '@shopbus/testing';
import { OrderNoted } from './test-contracts';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';

type Noted = MessageEnvelope<{ orderId: string; key: string; seq: number }>;

/** Stops the whole broker: runs in the test-faults target, alone. */
describe('the outbox while the broker is down', () => {
  let fixture: OutboxFixture;

  beforeEach(async () => {
    fixture = await startOutboxFixture();
  });
  afterEach(() => fixture.close());

  it('keeps committed events while the broker is down and publishes them once it is back', async () => {
    const received = new Countdown<Noted>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('noted'),
      handlers: [handlerFor(OrderNoted, async (_, { envelope }) => received.record(envelope))],
    });
    await fixture.startRelay();
    await brokerControl.stopApp();
    try {
      await fixture.prisma.$transaction(async (tx) => {
        await tx.testOrder.create({ data: { id: 'during-outage', status: 'placed' } });
        for (let seq = 1; seq <= 5; seq += 1) {
          const event = { orderId: 'during-outage', key: 'k', seq };
          await fixture.outbox.publish(tx, OrderNoted, event, { partitionKey: 'k' });
        }
      });
      const pending = await fixture.database.query<{ n: string }>(
        'SELECT count(*) AS n FROM outbox_message WHERE pending',
      );
      expect(Number(pending[0].n)).toBe(5);
    } finally {
      await brokerControl.startApp();
    }
    await received.reach(5, 30_000);
    expect(received.seen.map((e) => e.payload.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
