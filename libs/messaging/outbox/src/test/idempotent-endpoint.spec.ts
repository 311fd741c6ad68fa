import { handlerFor, MessageBus, silentLogger, type MessageContext } from '@shopbus/messaging-core';
import { defineQuery } from '@shopbus/messaging-core';
import type { PgTransaction } from '@shopbus/persistence';
import { Countdown, until } from '@shopbus/testing';
import { z } from 'zod';
import { InboxIdempotency, transactionOf } from '../lib/inbox-idempotency';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';
import { OrderNoted, ShipOrder } from './test-contracts';

describe('an idempotent endpoint: the library opens the transaction and records the inbox entry', () => {
  let fixture: OutboxFixture;
  let bus: MessageBus;

  beforeAll(async () => {
    fixture = await startOutboxFixture();
    bus = new MessageBus(fixture.transport, {
      source: 'idempotent-test',
      logger: silentLogger,
      recoverability: { immediateAttempts: 2, immediateIntervalMs: 0, redeliveryDelaysMs: [] },
      idempotency: new InboxIdempotency(fixture.pg),
    });
  });
  afterAll(() => fixture.close());

  const orders = (status: string) =>
    fixture.database.query<{ id: string }>(`SELECT id FROM test_order WHERE status = $1`, [status]);

  it('a message delivered twice is handled once: the handler’s write commits with the inbox record', async () => {
    const queue = fixture.queueName('once');
    const calls = new Countdown<string>();
    // One at a time, so that the second order is handled only after the duplicate was settled.
    await bus.subscribe({
      queue,
      prefetch: 1,
      idempotent: true,
      handlers: [
        handlerFor(ShipOrder, async ({ orderId }, context) => {
          calls.record(orderId);
          await transactionOf<PgTransaction>(context).$executeRaw`
            INSERT INTO test_order (id, status) VALUES (${orderId}, 'once')`;
        }),
      ],
    });
    const sent = await bus.send(ShipOrder, { orderId: 'order-1' }, { queue });
    // The same message again (same id), as a broker redelivery or a relay's retry would bring it.
    await fixture.admin.publishRaw(queue, JSON.stringify({ orderId: 'order-1' }), {
      messageId: sent.messageId,
      type: ShipOrder.type,
    });
    await bus.send(ShipOrder, { orderId: 'order-2' }, { queue });
    await calls.reach(2);

    expect(calls.seen).toEqual(['order-1', 'order-2']);
    await until(async () => (await orders('once')).length === 2, 'both orders committed');
    expect((await orders('once')).map(({ id }) => id).sort()).toEqual(['order-1', 'order-2']);
    const recorded = await fixture.database.query<{ consumer: string }>(
      'SELECT consumer FROM inbox_message WHERE message_id = $1',
      [sent.messageId],
    );
    expect(recorded).toEqual([{ consumer: queue }]);
  });

  it('a failed attempt rolls back its write and its inbox record, so the retry does the work', async () => {
    const queue = fixture.queueName('retried');
    const attempts = new Countdown<number>();
    await bus.subscribe({
      queue,
      idempotent: true,
      handlers: [
        handlerFor(ShipOrder, async ({ orderId }, context) => {
          attempts.record(attempts.seen.length + 1);
          await transactionOf<PgTransaction>(context).$executeRaw`
            INSERT INTO test_order (id, status) VALUES (${orderId}, 'retried')`;
          if (attempts.seen.length === 1) throw new Error('the first attempt fails after writing');
        }),
      ],
    });
    await bus.send(ShipOrder, { orderId: 'order-3' }, { queue });
    await attempts.reach(2);
    await until(async () => (await orders('retried')).length > 0, 'the second attempt committed');
    expect(await orders('retried')).toEqual([{ id: 'order-3' }]);
    expect(attempts.seen).toEqual([1, 2]);
  });

  it('the endpoint’s fallback runs without a transaction and records nothing', async () => {
    const queue = fixture.queueName('fallback');
    const seen = new Countdown<MessageContext>();
    await bus.subscribe({
      queue,
      idempotent: true,
      handlers: [handlerFor(ShipOrder, async () => undefined)],
      fallback: async (_, context) => seen.record(context),
    });
    await fixture.admin.publishRaw(queue, JSON.stringify({ orderId: 'x', key: 'k', seq: 1 }), {
      messageId: 'noted-1',
      type: OrderNoted.type,
    });
    const [context] = await seen.reach(1);
    expect(context.transaction).toBeUndefined();
    expect(() => transactionOf(context)).toThrow(
      `Endpoint "${queue}" has no transaction: declare it idempotent to have one`,
    );
    const recorded = await fixture.database.query(
      'SELECT 1 FROM inbox_message WHERE message_id = $1',
      ['noted-1'],
    );
    expect(recorded).toEqual([]);
  });

  it('refuses an idempotent endpoint that answers a query, and one on a bus without a store', async () => {
    const Ask = defineQuery('test.ask', z.object({}), z.object({}));
    await expect(
      bus.subscribe({
        queue: 'never-declared',
        idempotent: true,
        handlers: [handlerFor(Ask, async () => ({}))],
      }),
    ).rejects.toThrow(/answers "test.ask", a query: a query asked again is answered again/);
    await expect(
      fixture.bus.subscribe({
        queue: 'never-declared',
        idempotent: true,
        handlers: [handlerFor(ShipOrder, async () => undefined)],
      }),
    ).rejects.toThrow(/is idempotent, but the bus has no idempotency store/);
  });
});
