/**
 * `npm run bench:audit`: what sealing personal data costs the audit log, in one run on one
 * Postgres. Each round writes BENCH_ROWS (default 20 000) events as the audit endpoint receives
 * them (BENCH_CONCURRENCY at once, default 64: its prefetch), three ways, alternating:
 *
 * - plain pg: the same rows inserted in batches of the same size with one plain statement
 *   (the floor: no Prisma, no sealing);
 * - audit, clear: the service's writer (RecordAuditEntry) on events without personal data;
 * - audit, sealed: the same writer on `order.placed` events of BENCH_CUSTOMERS customers
 *   (default 2 000), each sealed with its customer's key, the keys wrapped by a key ring.
 *
 * DATABASE_URL selects the server (default the local one); a database of its own is created
 * for the run and dropped afterwards. Prints medians of BENCH_ROUNDS (default 3) and ratios.
 */
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createEnvelope, MessageKeyRing, type MessageContext } from '@shopbus/messaging-core';
import { median, printTable, TestDatabase } from '@shopbus/testing';
import pg from 'pg';
import { startServiceMetrics } from '@shopbus/platform';
import { CustomerKeys } from '../src/audit/customer-keys';
import { JourneyStepMetrics } from '../src/audit/journey-steps';
import { RecordAuditEntry } from '../src/audit/record-audit-entry.handler';
import { NotificationPrisma } from '../src/notification-prisma.service';

process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Entry = { payload: unknown; context: MessageContext };

/** `count` events as the audit endpoint would receive them. */
function entries(count: number, personal: boolean): Entry[] {
  return Array.from({ length: count }, (_, n) => {
    const orderId = randomUUID();
    const payload = personal
      ? { orderId, customerEmail: `c${n % CUSTOMERS}@example.com`, totalCents: 990, itemCount: 1 }
      : { orderId, shipmentId: randomUUID(), trackingNumber: `TRK-${n}` };
    const { payload: _payload, ...metadata } = createEnvelope({
      messageType: personal ? 'order.placed' : 'shipment.dispatched',
      payload,
      source: personal ? 'order' : 'shipping',
      correlationId: orderId,
    });
    return {
      payload,
      context: { envelope: { ...metadata, payload } } as unknown as MessageContext,
    };
  });
}

/** Runs `write` over the entries, CONCURRENCY at a time as the endpoint's handlers do; rows/s. */
async function rate(items: Entry[], write: (entry: Entry) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await write(items[next++]);
    }),
  );
  return items.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The floor: batches of CONCURRENCY rows, one multi-row INSERT each, on a plain pool. */
async function plainInsert(pool: pg.Pool, items: Entry[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    const batch = items.slice(i, i + CONCURRENCY).map(({ payload, context: { envelope } }) => ({
      message_id: envelope.messageId,
      message_type: envelope.messageType,
      source: envelope.source,
      correlation_id: envelope.correlationId,
      conversation_id: envelope.conversationId,
      sent_at: envelope.sentAt,
      payload,
    }));
    await pool.query(
      `INSERT INTO audit_entry (message_id, message_type, source, correlation_id, conversation_id,
         sent_at, payload)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS (message_id text, message_type text,
         source text, correlation_id text, conversation_id text, sent_at timestamptz, payload jsonb)
       ON CONFLICT (message_id) DO NOTHING`,
      [JSON.stringify(batch)],
    );
  }
  return items.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const database = await TestDatabase.create(
    'bench_audit',
    path.join(__dirname, '../prisma/migrations'),
  );
  const prisma = new NotificationPrisma(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const ring = new MessageKeyRing([{ id: 'bench', key: randomBytes(32) }]);
  const writer = new RecordAuditEntry(
    prisma,
    new CustomerKeys(prisma, ring),
    new JourneyStepMetrics(startServiceMetrics('bench-audit')),
  );
  const record = ({ payload, context }: Entry) => writer.record(payload, context);
  const results = { plain: [] as number[], clear: [] as number[], sealed: [] as number[] };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      results.plain.push(await plainInsert(pool, entries(ROWS, false)));
      results.clear.push(await rate(entries(ROWS, false), record));
      results.sealed.push(await rate(entries(ROWS, true), record));
      console.log(
        `round ${round}: plain ${results.plain.at(-1)?.toFixed(0)}/s, clear ${results.clear.at(-1)?.toFixed(0)}/s, sealed ${results.sealed.at(-1)?.toFixed(0)}/s`,
      );
    }
    printTable(
      `Audit log writes: ${ROWS} events per round, ${CONCURRENCY} at once, medians of ${ROUNDS} rounds`,
      [
        {
          metric: 'events without personal data',
          baseline: median(results.plain),
          library: median(results.clear),
          unit: 'rows/s',
        },
        {
          metric: `personal events sealed (${CUSTOMERS} customers)`,
          baseline: median(results.plain),
          library: median(results.sealed),
          unit: 'rows/s',
        },
        {
          metric: 'sealed vs clear through the writer',
          baseline: median(results.clear),
          library: median(results.sealed),
          unit: 'rows/s',
        },
      ],
      'plain pg',
    );
  } finally {
    await pool.end();
    await prisma.$disconnect();
    await prisma.sql.pool.end();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
