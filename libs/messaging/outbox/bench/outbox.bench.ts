/**
 * `npm run bench:outbox`: the outbox relay against plain confirmed publishing, in one run on one
 * broker and one Postgres, with a live consumer draining the queue throughout:
 *
 * 1. Throughput: the relay draining BENCH_ROWS (default 100 000) committed rows, against plain
 *    amqplib publishing the same payloads with the same properties, confirms awaited per batch of
 *    500 (the relay's batch size).
 * 2. Commit→consumer latency at 200 events/s for 10 s: the relay woken by LISTEN/NOTIFY, the
 *    relay polling every 100 ms without NOTIFY, and the raw baseline of publishing straight
 *    after a plain pg commit (no outbox, so an event is lost if the process dies in between).
 *    The outbox's writers run in the relay's process, as in a service: once a Prisma interactive
 *    transaction (model API), once a PgDatabase transaction (plain pg, what the services'
 *    message handlers write with). The difference between the two is the writer's own CPU
 *    delaying the relay on the shared event loop, not the relay.
 *
 * 3. The drain again with the relay tracing every send (a span each, batched to an exporter
 *    that drops them), and again with its metrics on (each send counted and timed, each row's
 *    lag recorded, as in every service), each against the plain drain.
 *
 * RABBITMQ_URL and DATABASE_URL select the services (defaults: the local ones). A database of
 * its own is created for the run and dropped afterwards. BENCH_ONLY=latency runs the latency
 * phases alone (2.), e.g. under the shop's load:
 * `npm run bench:shop -- --rates 50 --seconds 90 --beside 'BENCH_ONLY=latency npm run bench:outbox'`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connect, type ConfirmChannel, type Options } from 'amqplib';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { z } from 'zod';
import {
  defineEvent,
  MessageBus,
  MessageMetrics,
  silentLogger,
  type MessageTracing,
} from '@shopbus/messaging-core';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { PgDatabase } from '@shopbus/persistence';
import {
  BenchTracing,
  RecordedMetrics,
  paced,
  percentile,
  printTable,
  samplePayload,
  TestDatabase,
  type Row,
} from '@shopbus/testing';
import { Outbox } from '../src/lib/outbox';
import { sliceOf } from '../src/lib/outbox-table';
import { OutboxRelay } from '../src/lib/relay/outbox-relay';
import { PrismaClient } from '../src/test/generated/prisma/client';

process.env.RABBITMQ_URL ??= 'amqp://guest:guest@127.0.0.1:5672';
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
const rabbitmqUrl = process.env.RABBITMQ_URL;
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BATCH = 500;
const RATE = 200;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
const PARTITION_KEYS = 1000;
const LATENCY_ONLY = process.env.BENCH_ONLY === 'latency';

const BenchEvent = defineEvent(
  'bench.outbox-event',
  z.object({ n: z.number(), sentAt: z.number(), orderId: z.string(), note: z.string() }),
);
const run = `bench.outbox.${process.pid}`;
const exchanges = {
  eventsExchange: `${run}.events`,
  commandsExchange: `${run}.commands`,
  deadLetterExchange: `${run}.dead-letter`,
};
const queueName = `${run}.consumer`;

/** The consumer process (live-consumer.ts): reports when each message id arrived. */
class LiveConsumer {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<LiveConsumer> {
    const child = fork(path.join(__dirname, 'live-consumer.ts'), [rabbitmqUrl, queueName], {
      execArgv: ['--import', 'tsx'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the consumer exited with ${code}`)));
    });
    return new LiveConsumer(child);
  }

  /** Waits for `count` arrivals since the last call; their ids and times (ms, machine clock). */
  collect(count: number): Promise<Map<string, number>> {
    return new Promise((resolve) => {
      this.child.once('message', (message: { arrivals: [string, number][] }) =>
        resolve(new Map(message.arrivals)),
      );
      this.child.send({ type: 'collect', count });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** Now, on the clock the consumer process uses. */
const now = () => performance.timeOrigin + performance.now();

/**
 * The properties the relay writes, mandatory as its events are; one literal, not a spread
 * extended afterwards, which amqplib reads slower (several µs a message).
 */
function wireProperties(id: string): Options.Publish {
  const now = new Date();
  return {
    mandatory: true,
    messageId: id,
    correlationId: id,
    type: BenchEvent.type,
    appId: 'bench',
    timestamp: Math.floor(now.getTime() / 1000),
    contentType: 'application/json',
    persistent: true,
    headers: { 'message-version': 1, 'conversation-id': id, 'sent-at': now.toISOString() },
  };
}

const benchId = (n: number) => `0190f7a2-6c1e-7b3a-9c4d-${String(n).padStart(12, '0')}`;

async function plainThroughput(channel: ConfirmChannel, consumer: LiveConsumer): Promise<number> {
  const started = performance.now();
  for (let sent = 0; sent < ROWS; sent += BATCH) {
    for (let n = sent; n < Math.min(ROWS, sent + BATCH); n += 1) {
      channel.publish(
        exchanges.eventsExchange,
        BenchEvent.type,
        Buffer.from(JSON.stringify(samplePayload(n))),
        wireProperties(benchId(n)),
      );
    }
    await channel.waitForConfirms();
  }
  const elapsed = performance.now() - started;
  await consumer.collect(ROWS);
  return ROWS / (elapsed / 1000);
}

/** Writes ROWS committed outbox rows in bulk (not measured): what piled up while no relay ran. */
async function fillOutbox(db: pg.Client, bus: MessageBus): Promise<void> {
  await db.query('TRUNCATE outbox_message');
  const CHUNK = 5000;
  for (let start = 0; start < ROWS; start += CHUNK) {
    const [ids, keys, metadata, payloads]: string[][] = [[], [], [], []];
    const slices: number[] = [];
    for (let n = start; n < Math.min(ROWS, start + CHUNK); n += 1) {
      const { payload, ...meta } = bus.envelope(BenchEvent, samplePayload(n));
      const key = `order-${n % PARTITION_KEYS}`;
      ids.push(meta.messageId);
      keys.push(key);
      slices.push(sliceOf(key));
      metadata.push(JSON.stringify(meta));
      payloads.push(JSON.stringify(payload));
    }
    await db.query(
      `INSERT INTO outbox_message (message_id, partition_key, slice, intent, message_type, metadata, payload)
       SELECT id, key, slice, 'publish', $6, meta::jsonb, body::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[]) AS t(id, key, slice, meta, body)`,
      [ids, keys, slices, metadata, payloads, BenchEvent.type],
    );
  }
}

async function relayThroughput(
  databaseUrl: string,
  transport: RabbitMqTransport,
  consumer: LiveConsumer,
  instruments: { tracing?: MessageTracing; metrics?: MessageMetrics } = {},
): Promise<number> {
  const arrived = consumer.collect(ROWS);
  const relay = new OutboxRelay({
    databaseUrl,
    transport,
    batchSize: BATCH,
    logger: silentLogger,
    ...instruments,
  });
  const started = performance.now();
  await relay.start();
  await arrived;
  // Drained = every row marked, which follows the last confirms by one UPDATE.
  while ((await relay.metrics()).pending > 0)
    await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = performance.now() - started;
  await relay.stop();
  return ROWS / (elapsed / 1000);
}

/**
 * Runs `write` RATE times a second for LATENCY_SECONDS, each resolving with the id of the message
 * it committed (and timing its commit); returns each message's commit→arrival latency.
 */
async function measureLatency(
  consumer: LiveConsumer,
  write: (n: number, committed: (id: string) => void) => Promise<void>,
): Promise<number[]> {
  const committed = new Map<string, number>();
  const writes: Promise<void>[] = [];
  const total = RATE * LATENCY_SECONDS;
  await paced(total, RATE, (n) => writes.push(write(n, (id) => committed.set(id, now()))));
  await Promise.all(writes);
  return latencies(committed, await consumer.collect(total));
}

/** Through the library: a Prisma transaction with a business row and its event in the outbox. */
function outboxLatency(prisma: PrismaClient, outbox: Outbox, consumer: LiveConsumer) {
  return measureLatency(consumer, async (n, committed) => {
    const id = await prisma.$transaction(async (tx) => {
      await tx.testOrder.create({
        data: { id: `${process.pid}-${Date.now()}-${n}`, status: 'placed' },
      });
      return (await outbox.publish(tx, BenchEvent, samplePayload(n))).messageId;
    });
    committed(id);
  });
}

/** Through the library as the services' handlers write: a PgDatabase transaction, plain pg. */
function pgOutboxLatency(database: PgDatabase, outbox: Outbox, consumer: LiveConsumer) {
  return measureLatency(consumer, async (n, committed) => {
    const id = await database.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO test_order (id, status) VALUES (${`pg-${process.pid}-${n}`}, 'placed')`;
      return (await outbox.publish(tx, BenchEvent, samplePayload(n))).messageId;
    });
    committed(id);
  });
}

/** The raw baseline: a plain pg commit, then a publish straight to the broker, confirmed. */
function directLatency(pool: pg.Pool, channel: ConfirmChannel, consumer: LiveConsumer) {
  return measureLatency(consumer, async (n, committed) => {
    const id = benchId(1_000_000 + n);
    await pool.query(`INSERT INTO test_order (id, status) VALUES ($1, 'placed')`, [
      `direct-${process.pid}-${n}`,
    ]);
    committed(id);
    await new Promise<void>((resolve, reject) =>
      channel.publish(
        exchanges.eventsExchange,
        BenchEvent.type,
        Buffer.from(JSON.stringify(samplePayload(n))),
        wireProperties(id),
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  });
}

async function warmUp(
  prisma: PrismaClient,
  outbox: Outbox,
  pool: pg.Pool,
  database: PgDatabase,
): Promise<void> {
  for (let n = 0; n < 300; n += 1) {
    await prisma.$transaction(async (tx) => {
      await tx.testOrder.create({ data: { id: `warm-up-${n}`, status: 'placed' } });
      await outbox.publish(tx, BenchEvent, samplePayload(n));
    });
    await database.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO test_order (id, status) VALUES (${`pg-warm-up-${n}`}, 'placed')`;
      await outbox.publish(tx, BenchEvent, samplePayload(n));
    });
    await pool.query(`SELECT 1`);
  }
  await prisma.$executeRaw`DELETE FROM outbox_message`;
}

/** The p50 and p99 rows of one way of relaying, against publishing right after the commit. */
function latencyRows(how: string, direct: number[], relayed: number[]): Row[] {
  return [50, 99].map((p) => ({
    metric: `commit→consumer p${p} at ${RATE}/s, ${how}`,
    baseline: percentile(direct, p),
    library: percentile(relayed, p),
    unit: 'ms',
    lowerIsBetter: true,
  }));
}

function latencies(committed: Map<string, number>, arrivals: Map<string, number>): number[] {
  // A message can reach the consumer before the writer's commit promise resolves: that is 0 ms.
  return [...committed]
    .map(([id, at]) => Math.max(0, (arrivals.get(id) as number) - at))
    .sort((a, b) => a - b);
}

interface ThroughputFigures {
  plain: number;
  relayed: number;
  relayedTraced: number;
  relayedMetered: number;
}

/** 1. and 3.: the plain drain, then the relay's: bare, with tracing, with metrics. */
async function measureThroughput(
  db: pg.Client,
  bus: MessageBus,
  databaseUrl: string,
  transport: RabbitMqTransport,
  publisher: ConfirmChannel,
  consumer: LiveConsumer,
): Promise<ThroughputFigures> {
  console.log(
    `throughput: ${ROWS} rows of ~300 bytes, ${PARTITION_KEYS} partition keys, batches of ${BATCH}`,
  );
  const plain = await plainThroughput(publisher, consumer);
  await fillOutbox(db, bus);
  const relayed = await relayThroughput(databaseUrl, transport, consumer);
  await fillOutbox(db, bus);
  const benchTracing = new BenchTracing();
  const relayedTraced = await benchTracing.measure(() =>
    relayThroughput(databaseUrl, transport, consumer, { tracing: benchTracing.tracing }),
  );
  await benchTracing.shutdown();
  await fillOutbox(db, bus);
  const benchMetrics = new RecordedMetrics();
  const relayedMetered = await relayThroughput(databaseUrl, transport, consumer, {
    metrics: new MessageMetrics({ meter: benchMetrics.meter }),
  });
  await benchMetrics.close();
  return { plain, relayed, relayedTraced, relayedMetered };
}

function printThroughputTables({ relayed, relayedTraced, relayedMetered }: ThroughputFigures) {
  const drain = (library: number): Row => ({
    metric: `drain ${ROWS} rows, confirms per ${BATCH}`,
    baseline: relayed,
    library,
    unit: 'msg/s',
  });
  printTable(
    'Tracing: the relay with a span per send (batched to an exporter that drops them) against the relay without',
    [drain(relayedTraced)],
    'relay, tracing off',
    'relay, tracing on',
  );
  printTable(
    "Metrics: the relay counting and timing each send and recording each row's lag (an SDK meter provider aggregating them) against the relay without",
    [drain(relayedMetered)],
    'relay, metrics off',
    'relay, metrics on',
  );
}

async function main(): Promise<void> {
  const database = await TestDatabase.create(
    'bench_outbox',
    path.join(__dirname, '../src/test/prisma/migrations'),
  );
  const admin = await connect(rabbitmqUrl);
  const transport = new RabbitMqTransport({
    url: rabbitmqUrl,
    connectionName: 'bench relay',
    ...exchanges,
    logger: silentLogger,
  });
  // Pools of the bench's own (pg's default size for Prisma's), each with an error listener: the
  // database is dropped at the end, which ends any connection still open, and on a loaded machine
  // an idle one can still be open then; without a listener that ends the process with an error.
  const prismaPool = new pg.Pool({ connectionString: database.url, max: 10 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool) });
  const db = new pg.Client({ connectionString: database.url });
  const pool = new pg.Pool({ connectionString: database.url, max: 8 });
  for (const each of [prismaPool, pool]) each.on('error', () => undefined);
  let consumer: LiveConsumer | undefined;
  try {
    await transport.start();
    const setup = await admin.createChannel();
    await setup.assertQueue(queueName, { durable: true });
    await setup.bindQueue(queueName, exchanges.eventsExchange, BenchEvent.type);
    await setup.close();
    await db.connect();
    consumer = await LiveConsumer.start();
    const bus = new MessageBus(transport, { source: 'bench', logger: silentLogger });
    const outbox = new Outbox(bus);
    const publisher = await admin.createConfirmChannel();

    const throughput = LATENCY_ONLY
      ? undefined
      : await measureThroughput(db, bus, database.url, transport, publisher, consumer);

    // Not measured: Prisma's first transactions compile their queries and open connections.
    const pgDatabase = new PgDatabase(pool);
    await warmUp(prisma, outbox, pool, pgDatabase);
    // Each phase leaves dead index entries behind (its rows were pending, then published) that
    // autovacuum would clear in a running service; cleared before each phase, none starts with
    // the one before's (Postgres may run with autovacuum off, as on the CI machine).
    const vacuum = () => db.query('VACUUM ANALYZE outbox_message');
    await vacuum();
    console.log(`latency: ${RATE} events/s for ${LATENCY_SECONDS} s each`);
    const direct = await directLatency(pool, publisher, consumer);
    const notifyRelay = new OutboxRelay({
      databaseUrl: database.url,
      transport,
      logger: silentLogger,
    });
    await notifyRelay.start();
    const rows: Row[] = [];
    if (throughput) {
      rows.push({
        metric: `drain ${ROWS} rows (relay) vs publish them (plain), confirms per ${BATCH}`,
        baseline: throughput.plain,
        library: throughput.relayed,
        unit: 'msg/s',
      });
    }
    const notifiedPg = await pgOutboxLatency(pgDatabase, outbox, consumer);
    rows.push(
      ...latencyRows(
        'relay woken by NOTIFY, written in a PgDatabase transaction',
        direct,
        notifiedPg,
      ),
    );
    // Only in the full run: under the shop's load, 200 Prisma interactive transactions a second
    // in one process do not get started within Prisma's 2 s (P2028), so BENCH_ONLY=latency
    // measures the services' own writer alone.
    if (!LATENCY_ONLY) {
      await vacuum();
      const notified = await outboxLatency(prisma, outbox, consumer);
      rows.push(
        ...latencyRows('relay woken by NOTIFY, written in a Prisma transaction', direct, notified),
      );
    }
    await notifyRelay.stop();
    if (!LATENCY_ONLY) {
      const pollingRelay = new OutboxRelay({
        databaseUrl: database.url,
        transport,
        logger: silentLogger,
        listen: false,
        pollIntervalMs: 100,
      });
      await vacuum();
      await pollingRelay.start();
      const polled = await outboxLatency(prisma, outbox, consumer);
      await pollingRelay.stop();
      rows.push(
        ...latencyRows(
          'relay polling every 100 ms, written in a Prisma transaction',
          direct,
          polled,
        ),
      );
    }
    printTable(
      'Outbox benchmark (baseline: plain amqplib publish; for latency, published right after a plain pg commit)',
      rows,
      'plain amqplib / pg',
    );
    if (throughput) printThroughputTables(throughput);
  } finally {
    const cleanup = await admin.createChannel();
    await cleanup.deleteQueue(queueName);
    for (const exchange of Object.values(exchanges)) await cleanup.deleteExchange(exchange);
    consumer?.stop();
    await transport.close();
    await admin.close();
    await prisma.$disconnect();
    await db.end().catch(() => undefined);
    // Prisma may have ended its pool on disconnect already.
    await Promise.all([pool.end(), prismaPool.end().catch(() => undefined)]);
    await database.drop();
    process.exit(0);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
