import {
  handlerFor,
  MessageBus,
  MessageMetrics,
  silentLogger,
  type MessageEnvelope,
} from '@shopbus/messaging-core';
import { Countdown, RecordedMetrics, until } from '@shopbus/testing';
import { Outbox } from '../lib/outbox';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';
import { OrderNoted } from './test-contracts';

/**
 * The relay's sends counted as the bus counts its own, and each row's lag from falling due to
 * the broker's confirm: from its writing, or for a scheduled row from the time it was due.
 */
describe('the relay’s metrics', () => {
  const recorded = new RecordedMetrics();
  let fixture: OutboxFixture;
  let bus: MessageBus;

  beforeAll(async () => {
    fixture = await startOutboxFixture();
    bus = new MessageBus(fixture.transport, {
      source: 'outbox-metrics-test',
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await fixture.close();
    await recorded.close();
  });

  it('counts each relayed row once and records its lag from when it fell due', async () => {
    const queue = fixture.queueName('metered-outbox');
    const received = new Countdown<MessageEnvelope>();
    await bus.subscribe({
      queue,
      handlers: [handlerFor(OrderNoted, async (_, { envelope }) => received.record(envelope))],
    });
    await fixture.startRelay({ metrics: new MessageMetrics({ meter: recorded.meter }) });
    const outbox = new Outbox(bus);

    await fixture.pg.$transaction(async (tx) => {
      for (const seq of [1, 2, 3]) {
        await outbox.publish(tx, OrderNoted, { orderId: 'metered', key: 'metered', seq });
      }
    });
    // Scheduled 2 s ahead: its lag counts from then, not from its writing.
    const scheduledAt = Date.now();
    await fixture.pg.$transaction((tx) =>
      outbox.schedule(
        tx,
        OrderNoted,
        { orderId: 'later', key: 'later', seq: 1 },
        { delayMs: 2000 },
      ),
    );
    await received.reach(4);
    const waited = (Date.now() - scheduledAt) / 1000;

    const sent = () =>
      recorded.sum('messaging.client.sent.messages', {
        'messaging.operation.name': 'publish',
        'shopbus.message.type': OrderNoted.type,
      });
    // A send is recorded at the broker's confirm, which may come after the handling.
    await until(async () => (await sent()) === 4, 'four sends confirmed');
    const lag = await recorded.metric('shopbus.outbox.relay.lag');
    const [point] = lag?.dataPoints ?? [];
    const histogram = point?.value as { count: number; max?: number; sum: number };
    expect(histogram.count).toBe(4);
    // Every row left well within the 2 s the scheduled one waited to fall due.
    expect(histogram.max).toBeLessThan(2);
    expect(waited).toBeGreaterThanOrEqual(2);
  });
});
