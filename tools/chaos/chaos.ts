/**
 * `npm run chaos`: the shop's own fault rig. Starts a RabbitMQ node and a PostgreSQL cluster of
 * its own (so it never disturbs anyone else on the machine) and the whole shop on them, drives
 * checkouts at a steady rate, and injects one fault after another while they run: broker
 * connections closed, broker stopped, broker killed, a memory alarm, a service killed, a service
 * frozen past its heartbeat, the database restarted, poison messages of every kind. Then it waits
 * for the shop to settle and checks a ledger: every accepted checkout (202) is exactly one order,
 * delivered, with one shipment and each notification exactly once; no outbox row stuck; every
 * dead letter one of its own poison messages; no service went down unless killed.
 *
 *   npm run chaos                      every fault, 8 checkouts/s
 *   npm run chaos -- --short           what CI runs: shorter faults, 4 checkouts/s
 *   npm run chaos -- --rate 15 --only "database restarted (stop -m immediate)"
 *
 * Exits 1 when anything was lost, duplicated, stuck or unexplained.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { shopExchanges } from '@shopbus/contracts';
import { report, type WindowResult } from './chaos-report';
import { CheckoutLoad } from './checkout-load';
import { FAULTS, type ChaosTargets } from './faults';
import { leftoversOncePoisonDeadLettered, settleOrders } from './ledger-check';
import { OwnBroker } from '../rig/own-broker';
import { OwnDatabase } from '../rig/own-database';
import { OwnShop } from '../rig/own-shop';

const { values: options } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    rate: { type: 'string' },
    only: { type: 'string', multiple: true },
    'port-base': { type: 'string', default: '25700' },
  },
});

async function main(): Promise<number> {
  const short = options.short ?? false;
  const rate = Number(options.rate ?? (short ? 4 : 8));
  const portBase = Number(options['port-base']);
  const scale = short ? 0.5 : 1;
  const calmMs = short ? 3000 : 5000;
  const faults = FAULTS.filter(
    (fault) =>
      (!options.only || options.only.includes(fault.name)) &&
      // A frozen process needs 25 s to pass the heartbeat: the full run only.
      !(short && fault.name.includes('SIGSTOP')),
  );
  const logFolder = mkdtempSync(path.join(tmpdir(), 'shopbus-chaos-'));
  const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

  say(`starting a RabbitMQ node and a PostgreSQL cluster of its own (ports from ${portBase})`);
  const broker = await OwnBroker.start(portBase);
  const database = await OwnDatabase.start(portBase + 2).catch(async (error) => {
    await broker.stop();
    throw error;
  });
  let shop: OwnShop | undefined;
  try {
    say('creating the databases and starting the shop');
    shop = await OwnShop.start({
      rabbitmqUrl: broker.url,
      postgresUrl: database.url,
      portBase: portBase + 10,
      logFolder,
    });
    const load = new CheckoutLoad(shop.urls['cart']);
    say(`checkouts at ${rate}/s; service logs in ${logFolder}`);
    load.start(rate);
    await sleep(calmMs);

    const targets: ChaosTargets = {
      broker,
      database,
      shop,
      eventsExchange: shopExchanges('shop').events,
      poisonIds: [],
    };
    const windows: WindowResult[] = [];
    for (const fault of faults) {
      load.window = fault.name;
      const holdMs = Math.round(fault.holdMs * scale);
      say(`fault: ${fault.name}${holdMs ? ` (${holdMs / 1000} s)` : ''}`);
      const window: WindowResult = { name: fault.name };
      windows.push(window);
      await fault.inject(targets, holdMs);
      try {
        window.recoveryMs = await shop.untilReady(120_000);
        say(`  every service ready again after ${(window.recoveryMs / 1000).toFixed(1)} s`);
      } catch (error) {
        window.recoveryError = (error as Error).message;
        say(`  ${window.recoveryError}`);
      }
      load.window = `after: ${fault.name}`;
      windows.push({ name: load.window });
      await sleep(calmMs);
    }
    await load.stop();

    const accepted = load.attempts.filter((attempt) => attempt.accepted);
    say(`load stopped; waiting for ${accepted.length} accepted checkouts to be delivered`);
    const outcomes = await settleOrders(shop, accepted, short ? 90_000 : 180_000);
    const left = await leftoversOncePoisonDeadLettered(shop, targets.poisonIds, 60_000);
    const { text, passed } = report(windows, load.attempts, outcomes, left, shop.unexpectedExits);
    console.log(`\n${text}`);
    return passed ? 0 : 1;
  } finally {
    await shop?.stop();
    await database.drop();
    await broker.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`chaos: ${error instanceof Error ? error.stack : error}`);
    process.exit(2);
  },
);
