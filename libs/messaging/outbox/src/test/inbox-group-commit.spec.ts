import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  handlerFor,
  MalformedMessageError,
  MessageBus,
  silentLogger,
} from '@shopbus/messaging-core';
import type { PgTransaction } from '@shopbus/persistence';
import { Countdown, until } from '@shopbus/testing';
import { InboxIdempotency, transactionOf } from '../lib/inbox-idempotency';
import { startOutboxFixture, type OutboxFixture } from './outbox-fixture';
import { OrderNoted, ShipOrder } from './test-contracts';

/**
 * Group commit (InboxIdempotency with `groupCommit`): messages whose handlers start together
 * share one transaction; a group that fails leaves each message to a transaction of its own.
 * Each handler below writes a test_order row and notes the id of the transaction it ran in.
 */
describe('inbox group commit: the messages that start together share one transaction', () => {
  let fixture: OutboxFixture;

  beforeAll(async () => {
    fixture = await startOutboxFixture();
  });
  afterAll(() => fixture.close());

  const consumer = () => `group-${randomUUID()}`;

  /** A handler's work: writes a row for `id` and says which transaction it ran in. */
  function writeRow(id: string, transactions: string[], fail?: Error) {
    return async (tx: PgTransaction) => {
      const [{ txid }] = await tx.$queryRaw<{ txid: string }>`SELECT txid_current()::text AS txid`;
      transactions.push(txid);
      await tx.$executeRaw`INSERT INTO test_order (id, status) VALUES (${id}, 'grouped')`;
      if (fail) throw fail;
    };
  }

  const rows = async (ids: string[]) =>
    (
      await fixture.database.query<{ id: string }>(
        'SELECT id FROM test_order WHERE id = ANY($1::text[]) ORDER BY id',
        [ids],
      )
    ).map(({ id }) => id);

  const recorded = async (endpoint: string) =>
    (
      await fixture.database.query<{ message_id: string }>(
        'SELECT message_id FROM inbox_message WHERE consumer = $1 ORDER BY message_id',
        [endpoint],
      )
    ).map(({ message_id }) => message_id);

  it('handles the calls of one turn in one transaction: one claim, one commit, each settled after it', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    const ids = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${endpoint}-${letter}`);
    const transactions: string[] = [];

    const outcomes = await Promise.all(
      ids.map((id) => inbox.once(`m-${id}`, endpoint, writeRow(id, transactions))),
    );

    expect(outcomes).toEqual(['handled', 'handled', 'handled', 'handled', 'handled']);
    expect(new Set(transactions).size).toBe(1);
    expect(await rows(ids)).toEqual(ids);
    expect(await recorded(endpoint)).toEqual(ids.map((id) => `m-${id}`));
  });

  it('puts at most groupCommit messages in one transaction', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 2 });
    const endpoint = consumer();
    const ids = [1, 2, 3, 4, 5].map((n) => `${endpoint}-${n}`);
    const transactionOfRow = new Map<string, string>();

    await Promise.all(
      ids.map((id) => {
        const seen: string[] = [];
        return inbox
          .once(`m-${id}`, endpoint, writeRow(id, seen))
          .then(() => transactionOfRow.set(id, seen[0]));
      }),
    );

    // In call order, groups of two: [1, 2] [3, 4] [5] (the groups run at once, side by side).
    const [t1, t2, t3, t4, t5] = ids.map((id) => transactionOfRow.get(id));
    expect(t1).toBe(t2);
    expect(t3).toBe(t4);
    expect(new Set([t1, t3, t5]).size).toBe(3);
    expect(await rows(ids)).toEqual(ids);
  });

  it('skips a message recorded before and a second copy in the same group: their work never runs', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    const [old, fresh] = [`${endpoint}-old`, `${endpoint}-fresh`];
    await inbox.once(`m-${old}`, endpoint, writeRow(old, []));
    const ran: string[] = [];
    const work = (id: string) => async (tx: PgTransaction) => {
      ran.push(id);
      await writeRow(id, [])(tx);
    };

    const outcomes = await Promise.all([
      inbox.once(`m-${old}`, endpoint, work(old)),
      inbox.once(`m-${fresh}`, endpoint, work(fresh)),
      inbox.once(`m-${fresh}`, endpoint, work(fresh)),
    ]);

    expect(outcomes).toEqual(['duplicate', 'handled', 'duplicate']);
    expect(ran).toEqual([fresh]);
    expect(await rows([old, fresh])).toEqual([fresh, old].sort());
  });

  it('a message that fails its group fails alone: the others commit, each in a transaction of its own', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    const [first, poison, last] = ['1', '2-poison', '3'].map((n) => `${endpoint}-${n}`);
    const poisonError = new Error('this message can never be handled');
    const transactions: string[] = [];

    const outcomes = await Promise.allSettled([
      inbox.once(`m-${first}`, endpoint, writeRow(first, transactions)),
      inbox.once(`m-${poison}`, endpoint, writeRow(poison, transactions, poisonError)),
      inbox.once(`m-${last}`, endpoint, writeRow(last, transactions)),
    ]);

    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'handled' },
      { status: 'rejected', reason: poisonError },
      { status: 'fulfilled', value: 'handled' },
    ]);
    // The group ran first, 1 and 2-poison in it (3 never started), then each message alone.
    expect(transactions).toHaveLength(5);
    expect(new Set(transactions.slice(0, 2)).size).toBe(1);
    expect(new Set(transactions).size).toBe(4);
    expect(await rows([first, poison, last])).toEqual([first, last]);
    expect(await recorded(endpoint)).toEqual([`m-${first}`, `m-${last}`]);
  });

  it('refuses a message without an id, alone, and a group size that is not a whole number from 1', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    const id = `${endpoint}-kept`;

    const outcomes = await Promise.allSettled([
      inbox.once('', endpoint, writeRow(`${endpoint}-never`, [])),
      inbox.once(`m-${id}`, endpoint, writeRow(id, [])),
    ]);

    expect(outcomes[0]).toMatchObject({
      status: 'rejected',
      reason: expect.any(MalformedMessageError),
    });
    expect(outcomes[1]).toEqual({ status: 'fulfilled', value: 'handled' });
    expect(await rows([`${endpoint}-never`, id])).toEqual([id]);
    for (const groupCommit of [0, -1, 1.5, Number.NaN]) {
      expect(() => new InboxIdempotency(fixture.pg, { groupCommit })).toThrow(
        `groupCommit must be a whole number of messages, at least 1: ${groupCommit}`,
      );
    }
  });

  /** The service's database, counting the outbox inserts its transactions send. */
  function countingOutboxInserts() {
    const counted = { inserts: 0 };
    const database = {
      $transaction: <R>(work: (tx: PgTransaction) => Promise<R>) =>
        fixture.pg.$transaction((tx) => {
          const execute = tx.$executeRaw.bind(tx);
          tx.$executeRaw = (strings: TemplateStringsArray, ...values: unknown[]) => {
            if (strings.join('?').includes('INSERT INTO outbox_message')) counted.inserts += 1;
            return execute(strings, ...values);
          };
          return work(tx);
        }),
    };
    return { database, counted };
  }

  const outboxRows = (key: string) =>
    fixture.database.query<{ message_type: string; payload: { orderId: string } }>(
      `SELECT message_type, payload FROM outbox_message WHERE partition_key = $1 ORDER BY sequence`,
      [key],
    );

  it("writes the group's outbox rows with one statement before it commits, in the order written", async () => {
    const { database, counted } = countingOutboxInserts();
    const inbox = new InboxIdempotency(database, { groupCommit: 16 });
    const endpoint = consumer();
    const orders = ['o1', 'o2', 'o3'].map((n) => `${endpoint}-${n}`);

    await Promise.all(
      orders.map((orderId) =>
        inbox.once(`m-${orderId}`, endpoint, async (tx) => {
          await fixture.outbox.send(tx, ShipOrder, { orderId }, undefined, {
            partitionKey: endpoint,
          });
          const later = fixture.outbox.batch();
          later.publish(OrderNoted, { orderId, key: endpoint, seq: 1 }, { partitionKey: endpoint });
          await later.write(tx);
        }),
      ),
    );

    expect(counted.inserts).toBe(1);
    expect(
      (await outboxRows(endpoint)).map((row) => `${row.message_type} ${row.payload.orderId}`),
    ).toEqual(
      orders.flatMap((orderId) => [
        `${ShipOrder.type} ${orderId}`,
        `${OrderNoted.type} ${orderId}`,
      ]),
    );
  });

  it('a row scheduled earlier in the group is there for a later message of it to cancel', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    let deadline = '';
    let cancelled: boolean | undefined;

    await Promise.all([
      inbox.once(`m-${endpoint}-schedule`, endpoint, async (tx) => {
        const envelope = await fixture.outbox.schedule(
          tx,
          ShipOrder,
          { orderId: `${endpoint}-deadline` },
          { delayMs: 60_000 },
        );
        deadline = envelope.messageId;
      }),
      inbox.once(`m-${endpoint}-cancel`, endpoint, async (tx) => {
        cancelled = await fixture.outbox.cancelScheduled(tx, deadline);
      }),
    ]);

    expect(cancelled).toBe(true);
    expect(
      await fixture.database.query('SELECT 1 FROM outbox_message WHERE message_id = $1', [
        deadline,
      ]),
    ).toEqual([]);
  });

  it('a failed group writes none of its rows: each message then writes its own, once', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    const send = (orderId: string) => (tx: PgTransaction) =>
      fixture.outbox.send(tx, ShipOrder, { orderId }, undefined, { partitionKey: endpoint });

    const outcomes = await Promise.allSettled([
      inbox.once(`m-${endpoint}-kept`, endpoint, async (tx) => {
        await send(`${endpoint}-kept`)(tx);
      }),
      inbox.once(`m-${endpoint}-poison`, endpoint, async (tx) => {
        await send(`${endpoint}-never`)(tx);
        throw new Error('poison');
      }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect((await outboxRows(endpoint)).map((row) => row.payload.orderId)).toEqual([
      `${endpoint}-kept`,
    ]);
  });

  it('runs each handler of a group in its own caller’s async context, not the group’s', async () => {
    const inbox = new InboxIdempotency(fixture.pg, { groupCommit: 16 });
    const endpoint = consumer();
    const callers = new AsyncLocalStorage<string>();
    const seen: Record<string, string | undefined> = {};
    const transactions: string[] = [];

    await Promise.all(
      ['first', 'second', 'third'].map((caller) =>
        callers.run(caller, () =>
          inbox.once(`m-${endpoint}-${caller}`, endpoint, async (tx) => {
            await writeRow(`${endpoint}-${caller}`, transactions)(tx);
            seen[caller] = callers.getStore();
          }),
        ),
      ),
    );

    expect(new Set(transactions).size).toBe(1);
    expect(seen).toEqual({ first: 'first', second: 'second', third: 'third' });
  });

  it('on the broker: a burst on an idempotent endpoint is handled once each, in fewer transactions than messages', async () => {
    const bus = new MessageBus(fixture.transport, {
      source: 'group-commit-test',
      logger: silentLogger,
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [] },
      idempotency: new InboxIdempotency(fixture.pg, { groupCommit: 16 }),
    });
    const queue = fixture.queueName('grouped');
    const handled = new Countdown<string>();
    const transactions: string[] = [];
    const handlers = [
      handlerFor(ShipOrder, async ({ orderId }, context) => {
        await writeRow(orderId, transactions)(transactionOf<PgTransaction>(context));
        handled.record(orderId);
      }),
    ];
    // The queue exists and holds the burst before anyone consumes it.
    const declaring = await bus.subscribe({ queue, prefetch: 64, idempotent: true, handlers });
    await declaring.stop();
    const ids = Array.from({ length: 50 }, (_, n) => `${queue}-${String(n).padStart(2, '0')}`);
    for (const orderId of ids) await bus.send(ShipOrder, { orderId }, { queue });
    await fixture.admin.untilMessageCount(queue, ids.length);

    await bus.subscribe({ queue, prefetch: 64, idempotent: true, handlers });
    await handled.reach(ids.length);

    await until(
      async () => (await recorded(queue)).length === ids.length,
      'every record committed',
    );
    expect(await rows(ids)).toEqual(ids);
    expect(new Set(transactions).size).toBeLessThan(ids.length);
    expect(transactions).toHaveLength(ids.length);
  });
});
