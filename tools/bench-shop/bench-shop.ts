/**
 * `npm run bench:shop`: the whole shop under checkouts at fixed rates, measured. Starts a
 * RabbitMQ node, a PostgreSQL cluster and the shop of its own (as `npm run chaos` does), then for
 * each rate: prepares carts (created, one item) before the timed phase, checks them out through
 * REST at that rate, taps `shop.events` for each order's way (checkout → order.placed →
 * shipment.created → shipment.delivered), reads the backlog (outbox rows due, messages ready in
 * the shop's queues) and the CPU each process used, waits for the shop to drain, and prints:
 * achieved rate, errors, HTTP p50/p99, each step's p50/p99, backlog at the end, CPU per service
 * (cores), and the highest rate sustained with a flat backlog, no errors and p99 checkout →
 * order.placed ≤ 150 ms.
 *
 *   npm run bench:shop                               rates 10, 25, 50, 100 per second, 15 s each
 *   npm run bench:shop -- --rates 25,50 --seconds 30
 *   npm run bench:shop -- --rates 20 --profile /tmp/prof   each service under node --cpu-prof;
 *                                                           then npm run profile:summary -- /tmp/prof
 *   npm run bench:shop -- --statements                      and what each SQL statement cost the
 *                                                           database (pg_stat_statements)
 *   npm run bench:shop -- --rates 50 --seconds 90 --beside 'BENCH_ONLY=latency npm run bench:outbox'
 *                     runs a command as the first timed phase begins, on the machine the shop
 *                     loads (another benchmark under the shop's load), and prints its output
 *
 * The courier delivers after 1 s + 1 s: "delivered" includes those two seconds on purpose.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { shopExchanges } from '@shopbus/contracts';
import { percentile } from '@shopbus/testing';
import { OwnBroker } from '../rig/own-broker';
import { OwnDatabase } from '../rig/own-database';
import { OwnShop } from '../rig/own-shop';
import { EventTap } from './event-tap';
import { STATEMENT_STATS_SETTINGS, StatementStats } from './statement-stats';
import { runPhase, type PhaseResult } from './checkout-phase';

const { values: options } = parseArgs({
  options: {
    rates: { type: 'string', default: '10,25,50,100' },
    seconds: { type: 'string', default: '15' },
    'port-base': { type: 'string', default: '25800' },
    profile: { type: 'string' },
    statements: { type: 'boolean', default: false },
    beside: { type: 'string' },
  },
});

const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);
const ms = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? `${Math.round(percentile(sorted, p))}` : '-';
};

function printTable(results: PhaseResult[], processes: string[]): void {
  const header = [
    'offered/s',
    'achieved/s',
    'errors',
    'http p50/p99 ms',
    '→placed p50/p99',
    '→shipment p50/p99',
    '→delivered p50/p99',
    'backlog end',
    'drained in s',
    ...processes.map((name) => `${name} cores`),
    'CPU ms per checkout (all)',
  ];
  const rows = results.map((r) => [
    String(r.offered),
    r.achieved.toFixed(1),
    String(r.errors),
    `${ms(r.httpMs, 50)}/${ms(r.httpMs, 99)}`,
    `${ms(r.placedMs, 50)}/${ms(r.placedMs, 99)}`,
    `${ms(r.shipmentMs, 50)}/${ms(r.shipmentMs, 99)}`,
    `${ms(r.deliveredMs, 50)}/${ms(r.deliveredMs, 99)}`,
    `${r.backlogEnd.outboxDue}+${r.backlogEnd.queued}`,
    r.drainedS.toFixed(0),
    ...processes.map((name) => (r.cpuCores[name] ?? NaN).toFixed(2)),
    `${Object.values(r.cpuMsPerCheckout)
      .reduce((sum, ms) => sum + ms, 0)
      .toFixed(1)} (` +
      processes.map((name) => (r.cpuMsPerCheckout[name] ?? NaN).toFixed(1)).join(' + ') +
      ')',
  ]);
  console.log(`\n| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---:').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  const sustained = results.filter(
    (r) =>
      r.errors === 0 &&
      r.backlogEnd.outboxDue + r.backlogEnd.queued < r.offered &&
      r.placedMs.length > 0 &&
      percentile(
        [...r.placedMs].sort((a, b) => a - b),
        99,
      ) <= 150,
  );
  console.log(
    `\nbacklog end = outbox rows due + messages ready in the shop's queues when the phase ended;` +
      ` each phase starts once the previous one has drained (every order delivered, nothing queued).` +
      `\nCPU ms per checkout = CPU used from the phase's start until drained, per accepted checkout (the processes in the order of the cores columns).` +
      `\nhighest rate sustained (no errors, backlog under one second of work, p99 checkout → order.placed ≤ 150 ms): ` +
      (sustained.length
        ? `${Math.max(...sustained.map((r) => r.offered))}/s`
        : 'none of the rates'),
  );
}

/**
 * `--beside`: a shell command run once, as the first timed phase begins; its output is printed
 * as it comes, each line marked. Its failure is reported, not thrown: the shop's figures stand.
 */
function runBeside(command: string): Promise<void> {
  say(`beside the shop: ${command}`);
  const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`  beside │ ${line}`));
  }
  return new Promise((resolve) =>
    child.on('close', (code) => {
      say(`beside the shop: exited with ${code}`);
      resolve();
    }),
  );
}

async function main(): Promise<void> {
  const rates = String(options.rates).split(',').map(Number);
  const seconds = Number(options.seconds);
  const portBase = Number(options['port-base']);
  const logFolder = mkdtempSync(path.join(tmpdir(), 'shopbus-bench-shop-'));
  say(
    `starting a RabbitMQ node, a PostgreSQL cluster and the shop of its own (ports from ${portBase})`,
  );
  const broker = await OwnBroker.start(portBase);
  const database = await OwnDatabase.start(
    portBase + 2,
    options.statements ? STATEMENT_STATS_SETTINGS : [],
  ).catch(async (error) => {
    await broker.stop();
    throw error;
  });
  let shop: OwnShop | undefined;
  let tap: EventTap | undefined;
  let statements: StatementStats | undefined;
  try {
    shop = await OwnShop.start({
      rabbitmqUrl: broker.url,
      postgresUrl: database.url,
      portBase: portBase + 10,
      logFolder,
      settings: { LOG_LEVEL: 'warn' },
      profileFolder: options.profile && path.resolve(options.profile),
    });
    tap = await EventTap.start(broker.url, shopExchanges('shop').events);
    if (options.statements) statements = await StatementStats.start(database.url);
    const results: PhaseResult[] = [];
    let beside: Promise<void> | undefined;
    const startBeside = () => {
      if (options.beside && !beside) beside = runBeside(options.beside);
    };
    for (const rate of rates) {
      say(`rate ${rate}/s for ${seconds} s: preparing ${rate * seconds} carts`);
      const result = await runPhase({
        shop,
        broker,
        database,
        tap,
        rate,
        seconds,
        say,
        onStart: startBeside,
      });
      results.push(result);
      say(
        `  achieved ${result.achieved.toFixed(1)}/s, ${result.errors} errors, ` +
          `p99 checkout → placed ${ms(result.placedMs, 99)} ms, backlog at the end ${result.backlogEnd.outboxDue}+${result.backlogEnd.queued}` +
          (result.backlogEnd.deepest.length
            ? ` (${result.backlogEnd.deepest.map(({ queue, ready }) => `${queue} ${ready}`).join(', ')})`
            : '') +
          (result.errors ? ` (errors: ${JSON.stringify(result.errorKinds)})` : ''),
      );
    }
    await beside;
    printTable(results, [...shop.services.map((service) => service.name), 'rabbitmq', 'postgres']);
    await statements?.print(
      results.reduce((sum, result) => sum + Math.round(result.achieved * seconds), 0),
    );
    console.log(`\nservice logs: ${logFolder}`);
    if (options.profile)
      console.log(`CPU profiles (written as the shop stops): ${options.profile}`);
  } finally {
    await tap?.close();
    await statements?.close();
    await shop?.stop();
    await database.drop();
    await broker.stop();
  }
}

main().then(
  () => process.exit(0),
  async (error) => {
    console.error(`bench:shop: ${error instanceof Error ? error.stack : error}`);
    await sleep(0);
    process.exit(1);
  },
);
