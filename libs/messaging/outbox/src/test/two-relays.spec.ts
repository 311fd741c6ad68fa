import { handlerFor } from '@shopbus/messaging-core';
import { Countdown, until } from '@shopbus/testing';
import { OUTBOX_SLICES } from '../lib/outbox-table';
import { OrderNoted } from './test-contracts';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';

const KEYS = 100;
const PER_KEY = 100;
const WRITERS = 10;

describe('two relays over one outbox', () => {
  let fixture: OutboxFixture;

  beforeEach(async () => {
    fixture = await startOutboxFixture();
  });
  afterEach(() => fixture.close());

  it(`${KEYS * PER_KEY} events across ${KEYS} keys: none lost, none duplicated, every key in order`, async () => {
    const received = new Countdown<{ key: string; seq: number; messageId: string }>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('ordered'),
      prefetch: 100,
      // Recorded as the handler starts, i.e. in delivery order.
      handlers: [
        handlerFor(OrderNoted, async ({ key, seq }, { envelope }) =>
          received.record({ key, seq, messageId: envelope.messageId }),
        ),
      ],
    });
    const relays = [
      await fixture.startRelay({ name: 'relay-a' }),
      await fixture.startRelay({ name: 'relay-b' }),
    ];
    await until(
      () => relays.every((relay) => relay.ownedSlices.length === OUTBOX_SLICES / 2),
      'the relays sharing the slices half and half',
    );

    // Each writer owns some keys and writes their events in sequence, one transaction per step,
    // while the relays are running.
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const keys = Array.from(
          { length: KEYS / WRITERS },
          (__, i) => `key-${writer * (KEYS / WRITERS) + i}`,
        );
        for (let seq = 1; seq <= PER_KEY; seq += 1) {
          await fixture.prisma.$transaction(async (tx) => {
            for (const key of keys) {
              await fixture.outbox.publish(
                tx,
                OrderNoted,
                { orderId: key, key, seq },
                { partitionKey: key },
              );
            }
          });
        }
      }),
    );
    await received.reach(KEYS * PER_KEY, 120_000, 'events');

    expect(received.seen).toHaveLength(KEYS * PER_KEY);
    expect(new Set(received.seen.map((event) => event.messageId)).size).toBe(KEYS * PER_KEY);
    const orderByKey = new Map<string, number[]>();
    for (const { key, seq } of received.seen)
      orderByKey.set(key, [...(orderByKey.get(key) ?? []), seq]);
    const inOrder = Array.from({ length: PER_KEY }, (_, i) => i + 1);
    const outOfOrder = [...orderByKey].filter(([, seqs]) => seqs.join() !== inOrder.join());
    expect(orderByKey.size).toBe(KEYS);
    expect(outOfOrder.map(([key]) => key)).toEqual([]);

    // The last batch is marked just after its confirms, so possibly after its deliveries.
    await until(async () => (await relays[0].metrics()).pending === 0, 'every row marked');
    const [a, b] = await Promise.all(relays.map((relay) => relay.metrics()));
    expect(a.publishedByThisRelay).toBeGreaterThan(0);
    expect(b.publishedByThisRelay).toBeGreaterThan(0);
    expect(a.publishedByThisRelay + b.publishedByThisRelay).toBe(KEYS * PER_KEY);
  });
});
