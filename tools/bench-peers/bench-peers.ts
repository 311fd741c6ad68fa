/**
 * `npm run bench:peers`: the messaging library against what a Node team would otherwise use, in
 * one run on one broker: plain amqplib (the floor; bare, and with the properties and headers
 * shopbus writes), shopbus, NestJS's RMQ transport,
 * @golevelup/nestjs-rabbitmq, and shopbus behind Nest (a `@MessageHandler` method and an
 * `@EventPattern` handler on the ShopbusServer strategy, both inside Nest's pipeline). Each gets a durable classic queue of its own, the same ~300-byte
 * message, persistent, publisher confirms awaited per window of 1000, prefetch 100, ack after the
 * handler. Per contender and round: confirmed publish throughput, consume throughput (the
 * messages it just published, first delivery to last), CPU of this process per message for each,
 * and publish→handler latency at a steady 1000 msg/s. Contenders alternate within each round,
 * starting one further along each time, so drift on a shared machine hits all alike; the table
 * shows medians of BENCH_ROUNDS rounds (default 3) and what each one guarantees.
 *
 *   npm run bench:peers                       RABBITMQ_URL selects the broker
 *   BENCH_ROUNDS=5 BENCH_MESSAGES=50000 npm run bench:peers
 *   BENCH_ONLY=shopbus node --cpu-prof …      one contender alone (to profile it)
 */
import { median, paced, percentile, samplePayload } from '@shopbus/testing';
import type { BenchPayload, Contender } from './contender';
import { Golevelup } from './contenders/golevelup';
import { NestRmq } from './contenders/nest-rmq';
import { PlainAmqplib } from './contenders/plain-amqplib';
import { Shopbus } from './contenders/shopbus';
import { ShopbusNest } from './contenders/shopbus-nest';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const WINDOW = 1000;
const LATENCY_RATE = 1000;
const LATENCY_SECONDS = 4;

interface Figures {
  publish: number[];
  publishCpuUs: number[];
  consume: number[];
  consumeCpuUs: number[];
  p50: number[];
  p99: number[];
}

/** CPU microseconds this process used while `work` ran, and what it returned. */
async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuUs: used.user + used.system };
}

async function publishPhase(contender: Contender): Promise<{ rate: number; cpuUs: number }> {
  await contender.purge();
  const { result: elapsedMs, cpuUs } = await withCpu(async () => {
    const started = performance.now();
    for (let sent = 0; sent < messages; sent += WINDOW) {
      const window: Promise<void>[] = [];
      for (let n = sent; n < Math.min(messages, sent + WINDOW); n += 1) {
        window.push(contender.publish(samplePayload(n)));
      }
      await Promise.all(window);
    }
    return performance.now() - started;
  });
  return { rate: messages / (elapsedMs / 1000), cpuUs: cpuUs / messages };
}

/** Consumes the `messages` the publish phase left in the queue. */
async function consumePhase(contender: Contender): Promise<{ rate: number; cpuUs: number }> {
  let first = 0;
  let seen = 0;
  let stop: () => Promise<void> = async () => undefined;
  const { result: elapsedMs, cpuUs } = await withCpu(async () => {
    let last = 0;
    await new Promise<void>((resolve, reject) => {
      contender
        .consume(() => {
          if (seen === 0) first = performance.now();
          seen += 1;
          if (seen === messages) {
            last = performance.now();
            resolve();
          }
        })
        .then((stopConsuming) => (stop = stopConsuming), reject);
    });
    return last - first;
  });
  await stop();
  return { rate: messages / (elapsedMs / 1000), cpuUs: cpuUs / messages };
}

async function latencyPhase(contender: Contender): Promise<number[]> {
  await contender.purge();
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const samples: number[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const stop = await contender.consume((payload: BenchPayload) => {
    samples.push(performance.now() - payload.sentAt);
    if (samples.length === total) done();
  });
  await paced(total, LATENCY_RATE, (n) => {
    void contender.publish({ ...samplePayload(n), sentAt: performance.now() });
  });
  await all;
  await stop();
  return samples.sort((a, b) => a - b);
}

function printResults(contenders: Contender[], figures: Map<Contender, Figures>): void {
  const of = (contender: Contender, key: keyof Figures) =>
    median(figures.get(contender)?.[key] ?? []);
  const plain = contenders[0];
  const ratio = (contender: Contender, key: keyof Figures) =>
    `${(of(contender, key) / of(plain, key)).toFixed(2)}×`;
  console.log(
    `\nPeers: medians of ${rounds} rounds, ${messages} messages of ~300 bytes each, durable classic queue, ` +
      `persistent, confirms awaited per ${WINDOW}, prefetch 100, ack after the handler; CPU is this process's per message.`,
  );
  console.log(
    '| contender | publish msg/s | vs plain | publish CPU µs/msg | consume msg/s | vs plain | consume CPU µs/msg | latency p50 / p99 ms at 1000 msg/s | guarantees |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const contender of contenders) {
    console.log(
      `| ${contender.name} | ${of(contender, 'publish').toFixed(0)} | ${ratio(contender, 'publish')} | ` +
        `${of(contender, 'publishCpuUs').toFixed(1)} | ${of(contender, 'consume').toFixed(0)} | ${ratio(contender, 'consume')} | ` +
        `${of(contender, 'consumeCpuUs').toFixed(1)} | ${of(contender, 'p50').toFixed(2)} / ${of(contender, 'p99').toFixed(2)} | ` +
        `${contender.guarantees} |`,
    );
  }
  const [shopbus, golevelup, decorator, strategy] = [2, 4, 5, 6].map((index) => contenders[index]);
  const consumeRatio = (a: Contender, b: Contender) =>
    `${(of(a, 'consume') / of(b, 'consume')).toFixed(2)}×`;
  console.log(
    `\nshopbus vs ${golevelup.name}: publish ${(of(shopbus, 'publish') / of(golevelup, 'publish')).toFixed(2)}×, ` +
      `consume ${consumeRatio(shopbus, golevelup)}`,
  );
  console.log(
    `Nest paths, consume: ${decorator.name} ${consumeRatio(decorator, shopbus)} of the bare bus, ` +
      `${strategy.name} ${consumeRatio(strategy, shopbus)} of the bare bus and ${consumeRatio(strategy, decorator)} of the decorator path`,
  );
}

async function main(): Promise<void> {
  const everyone: Contender[] = [
    new PlainAmqplib(),
    new PlainAmqplib(true),
    new Shopbus(),
    new NestRmq(),
    new Golevelup(),
    new ShopbusNest('decorator'),
    new ShopbusNest('strategy'),
  ];
  const only = process.env.BENCH_ONLY;
  const contenders = only ? everyone.filter((c) => c.name.startsWith(only)) : everyone;
  const figures = new Map<Contender, Figures>(
    contenders.map((contender) => [
      contender,
      { publish: [], publishCpuUs: [], consume: [], consumeCpuUs: [], p50: [], p99: [] },
    ]),
  );
  const slug = (name: string) => name.replace(/[^a-z]+/gi, '-').toLowerCase();
  for (const contender of contenders) {
    await contender.start(`bench-peers.${process.pid}.${slug(contender.name)}`);
  }
  try {
    for (let round = 0; round < rounds; round += 1) {
      const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]);
      for (const contender of order) {
        const results = figures.get(contender) as Figures;
        const published = await publishPhase(contender);
        const consumed = await consumePhase(contender);
        const latencies = await latencyPhase(contender);
        results.publish.push(published.rate);
        results.publishCpuUs.push(published.cpuUs);
        results.consume.push(consumed.rate);
        results.consumeCpuUs.push(consumed.cpuUs);
        results.p50.push(percentile(latencies, 50));
        results.p99.push(percentile(latencies, 99));
        console.log(
          `round ${round + 1}/${rounds} ${contender.name}: publish ${published.rate.toFixed(0)}/s, ` +
            `consume ${consumed.rate.toFixed(0)}/s, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
        );
      }
    }
  } finally {
    for (const contender of contenders) await contender.close().catch(() => undefined);
  }
  if (contenders.length === everyone.length) printResults(contenders, figures);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
