/**
 * `npm run bench:messaging`: the messaging library against plain amqplib with the same settings,
 * in one run on one broker: confirmed publish throughput, consume throughput (prefetch 100) and
 * publish-to-handler latency at a steady 1000 msg/s; then publish and consume again with the body
 * encrypted (AES-256-GCM, EncryptingTransport), against the same plain figures. Each figure is
 * the median of BENCH_ROUNDS
 * rounds (default 3), the two contenders alternating so that drift hits both alike.
 *
 * RABBITMQ_URL selects the broker (default amqp://guest:guest@127.0.0.1:5672);
 * Then tracing: the library with OpenTelemetry spans for every send and delivery (a tracer
 * provider batching them to an exporter that drops them, and the async-hooks context manager on
 * while those rounds run), and again with 10% of traces sampled (the parent-based ratio sampler
 * a service runs with OTEL_TRACES_SAMPLER=parentbased_traceidratio), each against the library
 * without, in the same rounds; and metrics: the
 * library with its OpenTelemetry instruments (MessageMetrics, aggregated by an SDK meter
 * provider as a service's are), against the library without.
 *
 * BENCH_QUEUE_TYPE=quorum runs both contenders on quorum queues (the shop's default; the
 * library's arguments: at-least-once dead-lettering, reject-publish, delivery limit 20) instead
 * of classic ones.
 */
import { connect, type ChannelModel, type Options } from 'amqplib';
import { ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import {
  defineCommand,
  EncryptingTransport,
  handlerFor,
  MessageBus,
  MessageKeyRing,
  MessageMetrics,
  silentLogger,
} from '@shopbus/messaging-core';
import { RabbitMqTransport } from '../src/lib/rabbitmq-transport';
import { queueAssertOptions } from '../src/lib/topology/queue-arguments';
import type { QueueKind } from '../src/lib/topology/topology';
import {
  BenchTracing,
  median,
  RecordedMetrics,
  paced,
  percentile,
  printTable,
  samplePayload,
  type Row,
} from '@shopbus/testing';

const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queueKind: QueueKind = process.env.BENCH_QUEUE_TYPE === 'quorum' ? 'quorum' : 'classic';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const PUBLISH_COUNT = Number(process.env.BENCH_MESSAGES ?? 20_000);
const WINDOW = 1000; // confirms awaited per batch of this many, for both contenders
const PREFETCH = 100;
const LATENCY_RATE = 1000; // msg/s
const LATENCY_SECONDS = 4;

const BenchMessage = defineCommand(
  'bench.message',
  z.object({ n: z.number(), sentAt: z.number(), orderId: z.string(), note: z.string() }),
);
const run = `bench.${process.pid}`;
const queue = (name: string) => `${run}.${name}`;

async function declareQueue(connection: ChannelModel, name: string): Promise<void> {
  const channel = await connection.createChannel();
  // The same arguments the library declares for an endpoint queue, so both can use it.
  await channel.assertQueue(
    name,
    queueAssertOptions({
      name,
      kind: queueKind,
      deadLetterExchange: `${run}.dead-letter`,
      deadLetterRoutingKey: name,
      deliveryLimit: queueKind === 'quorum' ? 20 : undefined,
    }),
  );
  await channel.purgeQueue(name);
  await channel.close();
}

// ---------- plain amqplib ----------
/** What a hand-written publisher minimally sets: shows what carrying the envelope costs. */
const bareProperties: Options.Publish = {
  persistent: true,
  contentType: 'application/json',
  mandatory: true,
};

/**
 * The same AMQP properties and headers the library writes (ids, type, source, timestamp and the
 * envelope headers), so that both contenders put the same bytes on the wire and the ratio
 * measures the library's own overhead, not the cost of carrying metadata.
 */
function wireProperties(n: number): Options.Publish {
  const now = new Date();
  const id = `0190f7a2-6c1e-7b3a-9c4d-${String(n).padStart(12, '0')}`;
  // One literal, mandatory as the library's sends are: amqplib reads options made by a spread
  // and then extended slower (several µs a message), which a careful hand-written publisher avoids.
  return {
    mandatory: true,
    messageId: id,
    correlationId: id,
    type: 'bench.message',
    appId: 'bench',
    timestamp: Math.floor(now.getTime() / 1000),
    contentType: 'application/json',
    persistent: true,
    headers: { 'message-version': 1, 'conversation-id': id, 'sent-at': now.toISOString() },
  };
}

async function plainPublish(
  connection: ChannelModel,
  target: string,
  count: number,
  bare = false,
): Promise<number> {
  const channel = await connection.createConfirmChannel();
  const started = performance.now();
  for (let sent = 0; sent < count; sent += WINDOW) {
    const batch: Promise<void>[] = [];
    for (let n = sent; n < Math.min(count, sent + WINDOW); n += 1) {
      const body = Buffer.from(JSON.stringify(samplePayload(n)));
      batch.push(
        new Promise((resolve, reject) =>
          channel.publish('', target, body, bare ? bareProperties : wireProperties(n), (error) =>
            error ? reject(error) : resolve(),
          ),
        ),
      );
    }
    await Promise.all(batch);
  }
  const elapsed = performance.now() - started;
  await channel.close();
  return count / (elapsed / 1000);
}

async function plainConsume(
  connection: ChannelModel,
  source: string,
  count: number,
): Promise<number> {
  const channel = await connection.createChannel();
  await channel.prefetch(PREFETCH);
  let seen = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    void channel.consume(source, (message) => {
      if (!message) return;
      JSON.parse(message.content.toString());
      channel.ack(message);
      if (++seen === count) resolve();
    });
  });
  const elapsed = performance.now() - started;
  await channel.close();
  return count / (elapsed / 1000);
}

async function plainLatency(
  publisher: ChannelModel,
  consumer: ChannelModel,
  target: string,
): Promise<number[]> {
  const confirm = await publisher.createConfirmChannel();
  const channel = await consumer.createChannel();
  await channel.prefetch(PREFETCH);
  const samples: number[] = [];
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const done = new Promise<void>((resolve) => {
    void channel.consume(target, (message) => {
      if (!message) return;
      const { sentAt } = JSON.parse(message.content.toString());
      samples.push(performance.now() - sentAt);
      channel.ack(message);
      if (samples.length === total) resolve();
    });
  });
  await paced(total, LATENCY_RATE, (n) => {
    const payload = { ...samplePayload(n), sentAt: performance.now() };
    confirm.publish(
      '',
      target,
      Buffer.from(JSON.stringify(payload)),
      wireProperties(n),
      () => undefined,
    );
  });
  await done;
  await Promise.all([confirm.close(), channel.close()]);
  return samples;
}

// ---------- shopbus ----------
/** One key for every encrypted bus of the run: what one encrypts, the other decrypts. */
const keyRing = new MessageKeyRing([{ id: 'bench', key: randomBytes(32) }]);

const benchTracing = new BenchTracing();
/** What a service runs with OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0.1. */
const SAMPLED_SHARE = 0.1;
const sampledTracing = new BenchTracing({
  sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(SAMPLED_SHARE) }),
});
const benchMetrics = new RecordedMetrics();

async function startBus(
  name: string,
  { encrypted = false, traced = undefined as BenchTracing | undefined, metered = false } = {},
): Promise<{ bus: MessageBus; transport: RabbitMqTransport }> {
  const transport = new RabbitMqTransport({
    url,
    connectionName: `bench ${name}`,
    eventsExchange: `${run}.events`,
    commandsExchange: `${run}.commands`,
    deadLetterExchange: `${run}.dead-letter`,
    queueKind,
    logger: silentLogger,
  });
  await transport.start();
  // No handler fails here: no retry queues needed.
  const wire = encrypted
    ? new EncryptingTransport(transport, { keyRing, encrypts: () => true })
    : transport;
  const bus = new MessageBus(wire, {
    source: 'bench',
    recoverability: { redeliveryDelaysMs: [] },
    logger: silentLogger,
    ...(traced && { tracing: traced.tracing }),
    ...(metered && { metrics: new MessageMetrics({ meter: benchMetrics.meter }) }),
  });
  return { bus, transport };
}

async function libraryPublish(bus: MessageBus, target: string, count: number): Promise<number> {
  const started = performance.now();
  for (let sent = 0; sent < count; sent += WINDOW) {
    const batch: Promise<unknown>[] = [];
    for (let n = sent; n < Math.min(count, sent + WINDOW); n += 1) {
      batch.push(bus.send(BenchMessage, samplePayload(n), { queue: target }));
    }
    await Promise.all(batch);
  }
  return count / ((performance.now() - started) / 1000);
}

async function libraryConsume(bus: MessageBus, source: string, count: number): Promise<number> {
  let seen = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const started = performance.now();
  const consumer = await bus.subscribe({
    queue: source,
    prefetch: PREFETCH,
    handlers: [
      handlerFor(BenchMessage, async () => {
        if (++seen === count) resolveDone();
      }),
    ],
  });
  await done;
  const elapsed = performance.now() - started;
  await consumer.stop();
  return count / (elapsed / 1000);
}

async function libraryLatency(
  publisher: MessageBus,
  consumer: MessageBus,
  target: string,
): Promise<number[]> {
  const samples: number[] = [];
  const total = LATENCY_RATE * LATENCY_SECONDS;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const subscription = await consumer.subscribe({
    queue: target,
    prefetch: PREFETCH,
    handlers: [
      handlerFor(BenchMessage, async ({ sentAt }) => {
        samples.push(performance.now() - sentAt);
        if (samples.length === total) resolveDone();
      }),
    ],
  });
  await paced(total, LATENCY_RATE, (n) => {
    void publisher.send(
      BenchMessage,
      { ...samplePayload(n), sentAt: performance.now() },
      { queue: target },
    );
  });
  await done;
  await subscription.stop();
  return samples;
}

async function fill(connection: ChannelModel, target: string, count: number): Promise<void> {
  await plainPublish(connection, target, count);
}

async function main(): Promise<void> {
  const publisherConnection = await connect(url);
  const consumerConnection = await connect(url);
  const pub = await startBus('publisher');
  const sub = await startBus('consumer');
  const sealedPub = await startBus('publisher, encrypting', { encrypted: true });
  const sealedSub = await startBus('consumer, decrypting', { encrypted: true });
  const tracedPub = await startBus('publisher, traced', { traced: benchTracing });
  const tracedSub = await startBus('consumer, traced', { traced: benchTracing });
  const sampledPub = await startBus('publisher, sampled', { traced: sampledTracing });
  const sampledSub = await startBus('consumer, sampled', { traced: sampledTracing });
  const meteredPub = await startBus('publisher, metered', { metered: true });
  const meteredSub = await startBus('consumer, metered', { metered: true });
  const names = ['publish', 'consume', 'latency'].map(queue);
  for (const name of names) await declareQueue(publisherConnection, name);
  const [publishQueue, consumeQueue, latencyQueue] = names;

  const results = {
    bare: [[], []],
    publish: [[], []],
    consume: [[], []],
    p50: [[], []],
    p99: [[], []],
    sealedPublish: [[], []],
    sealedConsume: [[], []],
    tracedPublish: [[], []],
    tracedConsume: [[], []],
    sampledPublish: [[], []],
    sampledConsume: [[], []],
    meteredPublish: [[], []],
    meteredConsume: [[], []],
  } as Record<string, [number[], number[]]>;
  type Bus = Awaited<ReturnType<typeof startBus>>;
  /**
   * One variant of the library (`<variant>Publish`, `<variant>Consume`) against this round's
   * figures of plain amqplib (0) or of the plain library (1); `around` wraps its measured work.
   */
  const variantRound = async (
    variant: 'sealed' | 'traced' | 'sampled' | 'metered',
    publisher: Bus,
    consumer: Bus,
    against: 0 | 1,
    around: (work: () => Promise<number>) => Promise<number> = (work) => work(),
  ) => {
    await declareQueue(publisherConnection, publishQueue);
    results[`${variant}Publish`][0].push(results.publish[against].at(-1) as number);
    results[`${variant}Publish`][1].push(
      await around(() => libraryPublish(publisher.bus, publishQueue, PUBLISH_COUNT)),
    );
    await declareQueue(publisherConnection, consumeQueue);
    await around(() => libraryPublish(publisher.bus, consumeQueue, PUBLISH_COUNT));
    results[`${variant}Consume`][0].push(results.consume[against].at(-1) as number);
    results[`${variant}Consume`][1].push(
      await around(() => libraryConsume(consumer.bus, consumeQueue, PUBLISH_COUNT)),
    );
    await declareQueue(publisherConnection, publishQueue);
  };
  try {
    for (let round = 1; round <= rounds; round += 1) {
      results.bare[0].push(
        await plainPublish(publisherConnection, publishQueue, PUBLISH_COUNT, true),
      );
      await declareQueue(publisherConnection, publishQueue);
      results.publish[0].push(await plainPublish(publisherConnection, publishQueue, PUBLISH_COUNT));
      await declareQueue(publisherConnection, publishQueue);
      results.publish[1].push(await libraryPublish(pub.bus, publishQueue, PUBLISH_COUNT));
      results.bare[1].push(results.publish[1].at(-1) as number);
      await declareQueue(publisherConnection, publishQueue);

      // The library consumes messages with the envelope metadata it writes: fill through it.
      await fill(publisherConnection, consumeQueue, PUBLISH_COUNT);
      results.consume[0].push(await plainConsume(consumerConnection, consumeQueue, PUBLISH_COUNT));
      await libraryPublish(pub.bus, consumeQueue, PUBLISH_COUNT);
      results.consume[1].push(await libraryConsume(sub.bus, consumeQueue, PUBLISH_COUNT));

      const plain = (
        await plainLatency(publisherConnection, consumerConnection, latencyQueue)
      ).sort((a, b) => a - b);
      const library = (await libraryLatency(pub.bus, sub.bus, latencyQueue)).sort((a, b) => a - b);
      results.p50[0].push(percentile(plain, 50));
      results.p50[1].push(percentile(library, 50));
      results.p99[0].push(percentile(plain, 99));
      results.p99[1].push(percentile(library, 99));

      // Encrypted bodies against this round's plain figures; traced and metered buses against
      // this round's library figures without.
      await variantRound('sealed', sealedPub, sealedSub, 0);
      await variantRound('traced', tracedPub, tracedSub, 1, (work) => benchTracing.measure(work));
      await variantRound('sampled', sampledPub, sampledSub, 1, (work) =>
        sampledTracing.measure(work),
      );
      await variantRound('metered', meteredPub, meteredSub, 1);
      console.log(`round ${round}/${rounds} done`);
    }
  } finally {
    const channel = await publisherConnection.createChannel();
    for (const name of names) {
      await channel.deleteQueue(name);
      await channel.deleteQueue(`${name}.dlq`);
    }
    await channel.deleteExchange(`${run}.dead-letter`);
    await channel.deleteExchange(`${run}.events`);
    await channel.deleteExchange(`${run}.commands`);
    await Promise.all(
      [
        pub,
        sub,
        sealedPub,
        sealedSub,
        tracedPub,
        tracedSub,
        sampledPub,
        sampledSub,
        meteredPub,
        meteredSub,
      ].map(({ transport }) => transport.close()),
    );
    await Promise.all([benchTracing.shutdown(), sampledTracing.shutdown()]);
    await benchMetrics.close();
    await Promise.all([publisherConnection.close(), consumerConnection.close()]);
  }

  const row = (metric: string, key: string, unit: string, lowerIsBetter = false): Row => ({
    metric,
    baseline: median(results[key][0]),
    library: median(results[key][1]),
    unit,
    lowerIsBetter,
  });
  // Rows after the first: plain amqplib writes the same properties and headers as the library.
  printTable(
    `Messaging benchmark: medians of ${rounds} rounds, ${PUBLISH_COUNT} messages of ~300 bytes, durable ${queueKind} queue, persistent`,
    [
      row(`confirmed publish; plain sends a bare message (no ids, no headers)`, 'bare', 'msg/s'),
      row(
        `confirmed publish, same properties and headers (confirms awaited per ${WINDOW})`,
        'publish',
        'msg/s',
      ),
      row(`consume, manual ack, prefetch ${PREFETCH}`, 'consume', 'msg/s'),
      row(`publish→handler latency p50 at ${LATENCY_RATE} msg/s`, 'p50', 'ms', true),
      row(`publish→handler latency p99 at ${LATENCY_RATE} msg/s`, 'p99', 'ms', true),
      row(`confirmed publish, body encrypted (AES-256-GCM)`, 'sealedPublish', 'msg/s'),
      row(`consume, body decrypted, prefetch ${PREFETCH}`, 'sealedConsume', 'msg/s'),
    ],
  );
  printTable(
    `Tracing: the library with OpenTelemetry spans (batched to an exporter that drops them) against the library without, same rounds`,
    [
      row(`confirmed publish, a producer span each`, 'tracedPublish', 'msg/s'),
      row(`consume, a process span each, prefetch ${PREFETCH}`, 'tracedConsume', 'msg/s'),
      row(
        `confirmed publish, ${SAMPLED_SHARE * 100}% of traces sampled (parent-based ratio)`,
        'sampledPublish',
        'msg/s',
      ),
      row(
        `consume, ${SAMPLED_SHARE * 100}% of traces sampled, prefetch ${PREFETCH}`,
        'sampledConsume',
        'msg/s',
      ),
    ],
    'shopbus, tracing off',
    'shopbus, tracing on',
  );
  printTable(
    `Metrics: the library with its OpenTelemetry instruments (an SDK meter provider aggregating them) against the library without, same rounds`,
    [
      row(`confirmed publish, counted and timed`, 'meteredPublish', 'msg/s'),
      row(`consume, counted and timed by outcome, prefetch ${PREFETCH}`, 'meteredConsume', 'msg/s'),
    ],
    'shopbus, metrics off',
    'shopbus, metrics on',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
