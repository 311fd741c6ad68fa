import { handlerFor, type MessageEnvelope } from '@shopbus/messaging-core';
import { Countdown, RecordedMetrics, until } from '@shopbus/testing';
import { observeOutbox } from '../lib/metrics/outbox-instruments';
import { NobodyListens, OrderNoted, ShipOrder } from './test-contracts';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';

type Noted = MessageEnvelope<{ orderId: string; key: string; seq: number }>;

describe('the transactional outbox and its relay', () => {
  let fixture: OutboxFixture;

  beforeEach(async () => {
    fixture = await startOutboxFixture();
  });
  afterEach(() => fixture.close());

  const rowCount = async (where: string) =>
    Number(
      (
        await fixture.database.query<{ n: string }>(
          `SELECT count(*) AS n FROM outbox_message WHERE ${where}`,
        )
      )[0].n,
    );

  /** A subscriber to OrderNoted that records every delivery, duplicates included, in order. */
  const subscribe = async () => {
    const received = new Countdown<Noted>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('noted'),
      prefetch: 50,
      handlers: [handlerFor(OrderNoted, async (_, { envelope }) => received.record(envelope))],
    });
    return received;
  };

  /** Writes an order row and its events in one transaction. */
  const placeOrder = (orderId: string, events: number, key = orderId) =>
    fixture.prisma.$transaction(async (tx) => {
      await tx.testOrder.create({ data: { id: orderId, status: 'placed' } });
      for (let seq = 1; seq <= events; seq += 1) {
        await fixture.outbox.publish(tx, OrderNoted, { orderId, key, seq }, { partitionKey: key });
      }
    });

  it('publishes exactly the committed events and nothing of a rolled-back transaction', async () => {
    const received = await subscribe();
    await fixture.startRelay();

    await placeOrder('committed', 3);
    await expect(
      fixture.prisma.$transaction(async (tx) => {
        await fixture.outbox.publish(tx, OrderNoted, { orderId: 'rolled-back', key: 'x', seq: 1 });
        throw new Error('business rule violated');
      }),
    ).rejects.toThrow('business rule violated');
    await received.reach(3);
    // Marked just after the confirms, so possibly a moment after the deliveries.
    await until(async () => (await rowCount('pending')) === 0, 'the rows marked published');

    const rows = await fixture.database.query<{ order_id: string; published: boolean }>(
      `SELECT payload->>'orderId' AS order_id, published_at IS NOT NULL AS published
         FROM outbox_message ORDER BY sequence`,
    );
    expect(rows).toEqual([
      { order_id: 'committed', published: true },
      { order_id: 'committed', published: true },
      { order_id: 'committed', published: true },
    ]);
    expect(received.seen.map((e) => e.payload.seq)).toEqual([1, 2, 3]);
    expect(await fixture.prisma.testOrder.count()).toBe(1);
  });

  it('sends commands through the outbox to a named queue and by the transport’s default routing', async () => {
    const shipped = new Countdown<string>();
    const queue = fixture.queueName('shipping');
    await fixture.bus.subscribe({
      queue,
      handlers: [handlerFor(ShipOrder, async ({ orderId }) => shipped.record(orderId))],
    });
    await fixture.startRelay();

    await fixture.prisma.$transaction(async (tx) => {
      await fixture.outbox.send(tx, ShipOrder, { orderId: 'by-queue' }, { queue });
      await fixture.outbox.send(tx, ShipOrder, { orderId: 'by-type' });
    });

    expect(await shipped.reach(2)).toEqual(['by-queue', 'by-type']);
  });

  it('delivers a scheduled message when it falls due, and never one cancelled before', async () => {
    const received = await subscribe();
    await fixture.startRelay({ pollIntervalMs: 50 });
    const scheduledAt = Date.now();

    const [kept, cancelled] = await fixture.prisma.$transaction(async (tx) => [
      await fixture.outbox.schedule(
        tx,
        OrderNoted,
        { orderId: 'kept', key: 'k', seq: 1 },
        { delayMs: 600 },
      ),
      await fixture.outbox.schedule(
        tx,
        OrderNoted,
        { orderId: 'cancelled', key: 'k', seq: 2 },
        { delayMs: 300 },
      ),
    ]);
    // Not due yet, and not in the way: an ordinary event goes out at once.
    await placeOrder('immediate', 1);
    expect((await received.reach(1))[0].payload.orderId).toBe('immediate');
    expect(
      await fixture.prisma.$transaction((tx) =>
        fixture.outbox.cancelScheduled(tx, cancelled.messageId),
      ),
    ).toBe(true);

    const [, due] = await received.reach(2);
    expect(due.messageId).toBe(kept.messageId);
    expect(Date.now() - scheduledAt).toBeGreaterThanOrEqual(600);
    expect(await rowCount(`message_id = '${cancelled.messageId}'`)).toBe(0);
    expect(received.seen.map((event) => event.payload.orderId)).toEqual(['immediate', 'kept']);
    // Too late to cancel once sent.
    expect(
      await fixture.prisma.$transaction((tx) => fixture.outbox.cancelScheduled(tx, kept.messageId)),
    ).toBe(false);
  });

  it('survives losing its database connections and carries on', async () => {
    const received = await subscribe();
    await fixture.startRelay({ name: 'relay-to-disconnect' });
    await placeOrder('before', 1);
    await received.reach(1);
    // Marked, so that cutting the connections cannot roll its batch back (which would, rightly,
    // publish it again: at least once).
    await until(async () => (await rowCount('pending')) === 0, 'the first row marked');

    const terminated = await fixture.database.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE application_name LIKE 'relay-to-disconnect%'`,
    );
    expect(terminated.length).toBe(3);
    await placeOrder('after', 1);

    await received.reach(2);
    expect(received.seen.map((event) => event.payload.orderId)).toEqual(['before', 'after']);
  });

  it('survives the server dropping its idle metrics connection (as a database restart does), and reads metrics again', async () => {
    const relay = await fixture.startRelay({ name: 'relay-metrics-dropped' });
    await relay.metrics();
    const terminated = await fixture.database.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE application_name = 'relay-metrics-dropped (metrics)'`,
    );
    expect(terminated).toEqual([{ terminated: true }]);
    // The pool reports the loss on its 'error' event: unheard, Node would end the process here.
    await until(
      async () =>
        (
          await fixture.database.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = 'relay-metrics-dropped (metrics)'`,
          )
        ).length === 0,
      'the dropped connection gone',
    );
    expect(await relay.metrics()).toMatchObject({ pending: 0, failed: 0 });
  });

  it('does not count a row scheduled for later as a backlog', async () => {
    const relay = await fixture.startRelay({ pollIntervalMs: 50 });
    await fixture.prisma.$transaction((tx) =>
      fixture.outbox.schedule(
        tx,
        OrderNoted,
        { orderId: 'later', key: 'k', seq: 1 },
        { delayMs: 600_000 },
      ),
    );
    expect(await relay.metrics()).toMatchObject({
      pending: 1,
      scheduled: 1,
      oldestPendingAgeMs: 0,
    });
  });

  it('is woken by NOTIFY at commit, not by polling', async () => {
    const received = await subscribe();
    // A poll interval far beyond the wait below: only the notification can deliver in time.
    const relay = await fixture.startRelay({
      pollIntervalMs: 120_000,
      rebalanceIntervalMs: 120_000,
    });
    expect(relay.ownedSlices).toHaveLength(64);

    await placeOrder('notified', 1);
    await received.reach(1, 5_000, 'events woken by NOTIFY');
  });

  it('a relay process killed between the confirms and the marks: the batch is published again and the inbox keeps each effect single', async () => {
    const deliveries = new Countdown<string>();
    const effects = new Countdown<string>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('effects'),
      handlers: [
        handlerFor(OrderNoted, async ({ orderId, seq }, context) => {
          deliveries.record(context.envelope.messageId);
          const outcome = await fixture.inbox.handleOnce(
            fixture.prisma,
            context,
            'test.effects',
            async (tx) => {
              await tx.testOrder.create({ data: { id: `${orderId}-${seq}`, status: 'effect' } });
            },
          );
          if (outcome === 'handled') effects.record(context.envelope.messageId);
        }),
      ],
    });
    const crashed = await fixture.startCrashingRelayProcess();

    await placeOrder('crash', 4);
    expect(await crashed.ended).toBe('SIGKILL');
    // The broker has the batch, the database does not know: the rows are still pending.
    await deliveries.reach(4);
    expect(await rowCount('pending')).toBe(4);

    // Another instance takes over and publishes them again.
    await fixture.startRelay();
    await deliveries.reach(8);

    expect(new Set(deliveries.seen).size).toBe(4);
    expect(effects.seen).toHaveLength(4);
    expect(await fixture.prisma.testOrder.count({ where: { status: 'effect' } })).toBe(4);
    // Marked by the second relay (just after its confirms, so possibly after the deliveries).
    await until(async () => (await rowCount('pending')) === 0, 'the rows marked');
  });

  it('moves a row that keeps failing to the failed state after N attempts, without holding up other keys', async () => {
    const received = await subscribe();
    const relay = await fixture.startRelay({ maxAttempts: 3, retryInitialDelayMs: 100 });

    await fixture.prisma.$transaction(async (tx) => {
      await fixture.outbox.publish(tx, NobodyListens, { n: 1 }, { partitionKey: 'stuck' });
      await fixture.outbox.publish(
        tx,
        OrderNoted,
        { orderId: 'behind-the-stuck-one', key: 'stuck', seq: 2 },
        { partitionKey: 'stuck' },
      );
    });
    await placeOrder('other-key', 1);

    const [first] = await received.reach(1);
    expect(first.payload.orderId).toBe('other-key');
    // The stuck key's next event waits for the failing row and comes only after it gave up.
    const [, second] = await received.reach(2);
    expect(second.payload.orderId).toBe('behind-the-stuck-one');

    const [failed] = await fixture.database.query<{
      attempts: number;
      last_error: string;
      failed: boolean;
      pending: boolean;
    }>(
      `SELECT attempts, last_error, failed_at IS NOT NULL AS failed, pending
         FROM outbox_message WHERE message_type = 'test.nobody-listens'`,
    );
    expect(failed).toMatchObject({ attempts: 3, failed: true, pending: false });
    expect(failed.last_error).toMatch(/^UnroutableMessageError: .*NO_ROUTE/);
    await until(async () => (await relay.metrics()).pending === 0, 'the last row marked');
    expect(await relay.metrics()).toMatchObject({ pending: 0, failed: 1, failedByThisRelay: 1 });
  });

  it('reports pending rows, the oldest one’s age and failures, also as OpenTelemetry instruments', async () => {
    const relay = await fixture.startRelay({ maxAttempts: 1 });
    await fixture.prisma.$transaction(async (tx) => {
      await fixture.outbox.publish(tx, NobodyListens, { n: 1 });
      await fixture.outbox.publish(tx, NobodyListens, { n: 2 });
    });
    await until(async () => (await rowCount('failed_at IS NOT NULL')) === 2, 'two rows failing');
    await relay.stop();
    await placeOrder('waiting', 3);

    const metrics = await relay.metrics();
    expect(metrics).toMatchObject({
      pending: 3,
      failed: 2,
      failedByThisRelay: 2,
      publishedByThisRelay: 0,
    });
    expect(metrics.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    const recorded = new RecordedMetrics();
    observeOutbox(recorded.meter, relay);
    const valueOf = async (name: string) => (await recorded.metric(name))?.dataPoints[0]?.value;
    expect(await valueOf('shopbus_outbox_pending_messages')).toBe(3);
    expect(await valueOf('shopbus_outbox_failed_messages')).toBe(2);
    expect(await valueOf('shopbus_outbox_gave_up_total')).toBe(2);
    expect(await valueOf('shopbus_outbox_published_total')).toBe(0);
    expect(await valueOf('shopbus_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    await recorded.close();
  });

  it('retryFailed puts given-up rows back, and they are published once they can be', async () => {
    const relay = await fixture.startRelay({ maxAttempts: 1 });
    await fixture.prisma.$transaction((tx) => fixture.outbox.publish(tx, NobodyListens, { n: 7 }));
    await until(async () => (await rowCount('failed_at IS NOT NULL')) === 1, 'the row failing');

    const heard = new Countdown<number>();
    await fixture.bus.subscribe({
      queue: fixture.queueName('late-listener'),
      handlers: [handlerFor(NobodyListens, async ({ n }) => heard.record(n))],
    });
    expect(await relay.retryFailed()).toBe(1);
    expect(await heard.reach(1)).toEqual([7]);
    await until(
      async () => (await rowCount('published_at IS NOT NULL')) === 1,
      'the row published',
    );
  });

  it('deletes published rows and inbox records after their retention, and keeps failed ones', async () => {
    const received = await subscribe();
    await fixture.prisma.$transaction(async (tx) => {
      await fixture.inbox.claim(tx, 'old-message', 'test.consumer');
    });
    await fixture.database.query(
      `UPDATE inbox_message SET received_at = now() - interval '8 days'`,
    );
    await fixture.prisma.$transaction((tx) =>
      fixture.inbox.claim(tx, 'new-message', 'test.consumer'),
    );
    await fixture.prisma.$transaction((tx) => fixture.outbox.publish(tx, NobodyListens, { n: 1 }));
    await fixture.startRelay({
      maxAttempts: 1,
      publishedRetentionMs: 0,
      housekeepingIntervalMs: 50,
    });

    await placeOrder('expiring', 2);
    await received.reach(2);
    await until(
      async () => (await rowCount('published_at IS NOT NULL')) === 0,
      'published rows deleted',
    );

    expect(await rowCount('failed_at IS NOT NULL')).toBe(1);
    // The inbox is cleaned right after the outbox, in the same round.
    await until(
      async () => (await fixture.database.query('SELECT 1 FROM inbox_message')).length === 1,
      'the old inbox record deleted',
    );
    const inbox = await fixture.database.query<{ message_id: string }>(
      'SELECT message_id FROM inbox_message',
    );
    expect(inbox).toEqual([{ message_id: 'new-message' }]);
  });

  it('a second delivery of a message handled before is recognised inside the transaction and changes nothing', async () => {
    const context = {
      envelope: fixture.bus.envelope(OrderNoted, { orderId: 'o', key: 'k', seq: 1 }),
    };
    const handle = () =>
      fixture.inbox.handleOnce(fixture.prisma, context, 'test.consumer', async (tx) => {
        await tx.testOrder.create({ data: { id: 'effect-of-o', status: 'effect' } });
      });

    const outcomes = await Promise.all([handle(), handle()]);

    expect(outcomes.sort()).toEqual(['duplicate', 'handled']);
    expect(await fixture.prisma.testOrder.count()).toBe(1);
    expect(await handle()).toBe('duplicate');
  });

  it('a failing handler leaves no inbox record, so the redelivery does the work', async () => {
    const context = {
      envelope: fixture.bus.envelope(OrderNoted, { orderId: 'o', key: 'k', seq: 1 }),
    };
    await expect(
      fixture.inbox.handleOnce(fixture.prisma, context, 'test.consumer', async (tx) => {
        await tx.testOrder.create({ data: { id: 'half-done', status: 'effect' } });
        throw new Error('handler failed after its first write');
      }),
    ).rejects.toThrow('handler failed');
    expect(await fixture.prisma.testOrder.count()).toBe(0);
    expect(
      await fixture.inbox.handleOnce(fixture.prisma, context, 'test.consumer', async (tx) => {
        await tx.testOrder.create({ data: { id: 'done', status: 'effect' } });
      }),
    ).toBe('handled');
  });

  it('a batch writes its messages in one statement, published in the order they were added', async () => {
    const received = await subscribe();
    await fixture.startRelay();
    const batch = fixture.outbox.batch();
    const added = [1, 2, 3, 4].map((seq) =>
      batch.publish(OrderNoted, { orderId: 'batched', key: 'b', seq }, { partitionKey: 'b' }),
    );
    const deadline = batch.schedule(
      OrderNoted,
      { orderId: 'batched', key: 'later', seq: 5 },
      { delayMs: 60_000 },
    );
    expect(batch.size).toBe(5);
    const statements = jest.fn();
    await fixture.pg.$transaction(async (tx) => {
      const counted = {
        $executeRaw: (strings: TemplateStringsArray, ...values: unknown[]) => {
          statements();
          return tx.$executeRaw(strings, ...values);
        },
      };
      await batch.write(counted);
    });

    expect(statements).toHaveBeenCalledTimes(1);
    expect(batch.size).toBe(0);
    await received.reach(4);
    expect(received.seen.map((e) => e.messageId)).toEqual(added.map((e) => e.messageId));
    const [scheduled] = await fixture.database.query<{ message_id: string; pending: boolean }>(
      "SELECT message_id, pending FROM outbox_message WHERE partition_key <> 'b'",
    );
    expect(scheduled).toEqual({ message_id: deadline.messageId, pending: true });
  });

  describe('over plain pg (PgDatabase), as the services’ hot paths use it', () => {
    it('publishes what committed, nothing of a rollback, and the inbox recognises a second delivery', async () => {
      const received = await subscribe();
      await fixture.startRelay();
      const context = {
        envelope: fixture.bus.envelope(OrderNoted, { orderId: 'o', key: 'k', seq: 1 }),
      };
      const handle = (orderId: string) =>
        fixture.inbox.handleOnce(fixture.pg, context, 'test.consumer', async (tx) => {
          await tx.$executeRaw`INSERT INTO test_order (id, status) VALUES (${orderId}, 'placed')`;
          await fixture.outbox.publish(tx, OrderNoted, { orderId, key: orderId, seq: 1 });
        });

      expect(await Promise.all([handle('first'), handle('second')])).toEqual(
        expect.arrayContaining(['handled', 'duplicate']),
      );
      await expect(
        fixture.pg.$transaction(async (tx) => {
          await fixture.outbox.publish(tx, OrderNoted, {
            orderId: 'rolled-back',
            key: 'x',
            seq: 1,
          });
          throw new Error('business rule violated');
        }),
      ).rejects.toThrow('business rule violated');

      await received.reach(1);
      await until(async () => (await rowCount('pending')) === 0, 'the row marked published');
      const orders = await fixture.pg.$queryRaw<{ id: string }>`SELECT id FROM test_order`;
      expect(orders).toHaveLength(1);
      expect(received.seen.map((e) => e.payload.orderId)).toEqual([orders[0].id]);
      expect(await rowCount('true')).toBe(1);
    });
  });
});
