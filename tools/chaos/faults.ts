import { setTimeout as sleep } from 'node:timers/promises';
import type { OwnBroker } from '../rig/own-broker';
import type { OwnDatabase } from '../rig/own-database';
import { publishPoison } from './poison-messages';
import type { OwnShop } from '../rig/own-shop';

/** What a fault acts on. */
export interface ChaosTargets {
  broker: OwnBroker;
  database: OwnDatabase;
  shop: OwnShop;
  eventsExchange: string;
  /** The ids of the poison messages published so far: each must end in a dead-letter queue. */
  poisonIds: string[];
}

/**
 * A fault as operations meet it: `inject` does the damage and resolves once it is over (the
 * broker back, the process restarted, the database up again). Recovery is measured from then
 * until every service is ready. `holdMs` is how long the damage lasts (scaled down in --short).
 */
export interface Fault {
  name: string;
  inject(targets: ChaosTargets, holdMs: number): Promise<void>;
  holdMs: number;
}

const alarm = (set: boolean) =>
  set
    ? 'rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []}).'
    : 'rabbit_alarm:clear_alarm({resource_limit, memory, node()}).';

export const FAULTS: readonly Fault[] = [
  {
    name: 'broker closes every connection',
    holdMs: 0,
    inject: async ({ broker }) => {
      await broker.ctl('close_all_connections', 'shopbus chaos');
    },
  },
  {
    name: 'broker stopped',
    holdMs: 10_000,
    inject: async ({ broker }, holdMs) => {
      await broker.ctl('stop_app');
      await sleep(holdMs);
      await broker.ctl('start_app');
    },
  },
  {
    name: 'broker killed (kill -9)',
    holdMs: 2_000,
    inject: async ({ broker }, holdMs) => {
      process.kill(await broker.pid(), 'SIGKILL');
      await sleep(holdMs);
      await broker.launch();
    },
  },
  {
    name: 'broker memory alarm',
    holdMs: 10_000,
    inject: async ({ broker }, holdMs) => {
      await broker.ctl('eval', alarm(true));
      await sleep(holdMs);
      await broker.ctl('eval', alarm(false));
    },
  },
  {
    name: 'order service killed (kill -9)',
    holdMs: 0,
    inject: async ({ shop }) => {
      await shop.crashAndRestart('order');
    },
  },
  {
    name: 'shipping frozen past the heartbeat (SIGSTOP)',
    holdMs: 25_000,
    inject: async ({ shop }, holdMs) => {
      shop.signal('shipping', 'SIGSTOP');
      await sleep(holdMs);
      shop.signal('shipping', 'SIGCONT');
    },
  },
  {
    name: 'database restarted (stop -m immediate)',
    holdMs: 10_000,
    inject: async ({ database }, holdMs) => {
      await database.ctl('stop', true);
      await sleep(holdMs);
      await database.ctl('start');
    },
  },
  {
    name: 'poison messages of every kind',
    holdMs: 0,
    inject: async ({ broker, eventsExchange, poisonIds }) => {
      poisonIds.push(...(await publishPoison(broker.url, eventsExchange)));
    },
  },
];
