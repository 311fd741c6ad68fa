import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OwnBroker } from '../rig/own-broker';
import type { OwnDatabase } from '../rig/own-database';
import type { OwnShop } from '../rig/own-shop';
import { cpuSeconds, treeCpuSeconds } from './process-cpu';
import type { EventTap } from './event-tap';
import { asShopOperator } from '../shop/operator-token';

/** Outbox rows due, and messages ready in the shop's own queues (not retry or dead-letter). */
export interface Backlog {
  outboxDue: number;
  queued: number;
  /** The queues holding most of `queued`, deepest first: where the shop falls behind. */
  deepest: { queue: string; ready: number }[];
}

export interface PhaseResult {
  offered: number;
  achieved: number;
  errors: number;
  /** How the errors came: HTTP status or the client's own timeout, with counts. */
  errorKinds: Record<string, number>;
  httpMs: number[];
  placedMs: number[];
  shipmentMs: number[];
  deliveredMs: number[];
  backlogEnd: Backlog;
  /**
   * CPU used during the timed phase per service, and by the broker and the database, in cores
   * (1 = one core busy all the time).
   */
  cpuCores: Record<string, number>;
  /**
   * CPU milliseconds per accepted checkout, from the phase's start until the shop was quiet
   * again: everything each checkout caused, whether done during the phase or in the drain.
   * Unlike `cpuCores`, it does not depend on how far the shop fell behind.
   */
  cpuMsPerCheckout: Record<string, number>;
  /** Seconds after the phase until the shop was quiet again (or the 120 s limit). */
  drainedS: number;
}

const address = {
  name: 'Bench Customer',
  street: '1 Load Lane',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

async function post(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, string>,
  };
}

/** Carts with one item each, made before the timed phase so that it times checkouts only. */
async function prepareCarts(
  cartUrl: string,
  count: number,
): Promise<{ id: string; email: string }[]> {
  const carts: { id: string; email: string }[] = [];
  let started = 0;
  // 16 at a time; a cart that cannot be prepared stops the benchmark (its figures would lie).
  const worker = async () => {
    for (; started < count;) {
      started += 1;
      const email = `bench-${randomUUID()}@example.com`;
      const cart = await post(`${cartUrl}/carts`, 'POST', { customerEmail: email });
      const line = await post(`${cartUrl}/carts/${cart.body.id}/items/MUG-BLUE`, 'PUT', {
        quantity: 1,
      });
      if (cart.status !== 201 || line.status !== 200) {
        throw new Error(`preparing a cart failed: ${cart.status} / ${line.status}`);
      }
      carts.push({ id: cart.body.id, email });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return carts;
}

export async function backlog(shop: OwnShop, broker: OwnBroker): Promise<Backlog> {
  let outboxDue = 0;
  for (const url of Object.values(shop.urls)) {
    const health = (await fetch(`${url}/health/ready`, { headers: asShopOperator() })
      .then((response) => response.json())
      .catch(() => undefined)) as
      { details?: { outbox?: { pending?: number; scheduled?: number } } } | undefined;
    const outbox = health?.details?.outbox ?? {};
    outboxDue += (outbox.pending ?? 0) - (outbox.scheduled ?? 0);
  }
  const depths = Object.entries(await broker.queueDepths())
    .filter(([name]) => !/\.(dlq|retry\.\d+ms)$/.test(name))
    .map(([queue, ready]) => ({ queue, ready }));
  const queued = depths.reduce((sum, { ready }) => sum + ready, 0);
  const deepest = depths
    .filter(({ ready }) => ready > 0)
    .sort((a, b) => b.ready - a.ready)
    .slice(0, 3);
  return { outboxDue, queued, deepest };
}

/**
 * One timed phase: `rate` checkouts a second for `seconds`, each on a prepared cart, without
 * waiting for the one before; then the shop is left to drain (every accepted order delivered, or
 * 60 s) so that the next phase starts from quiet.
 */
export async function runPhase(options: {
  shop: OwnShop;
  broker: OwnBroker;
  database: OwnDatabase;
  tap: EventTap;
  rate: number;
  seconds: number;
  say: (line: string) => void;
  /** Called as the timed checkouts begin (the carts are prepared by then). */
  onStart?: () => void;
}): Promise<PhaseResult> {
  const { shop, broker, database, tap, rate, seconds } = options;
  const cartUrl = shop.urls['cart'];
  const carts = await prepareCarts(cartUrl, rate * seconds);
  const brokerPid = await broker.pid();
  const cpuNow = (): Record<string, number> => ({
    ...Object.fromEntries(
      shop.services.map(({ name }) => [name, cpuSeconds(shop.pid(name) ?? -1)]),
    ),
    rabbitmq: cpuSeconds(brokerPid),
    postgres: treeCpuSeconds(database.pid()),
  });
  options.say(`  ${carts.length} carts ready; checking out at ${rate}/s`);
  options.onStart?.();
  const cpuBefore = cpuNow();
  const accepted: { orderId: string; startedAt: number }[] = [];
  const httpMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  const failed = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1);
  const started = Date.now();
  const checkouts: Promise<void>[] = [];
  for (const [index, cart] of carts.entries()) {
    const due = started + (index * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    checkouts.push(
      (async () => {
        const at = Date.now();
        try {
          const answer = await post(
            `${cartUrl}/carts/${cart.id}/checkout`,
            'POST',
            { customerEmail: cart.email, shippingAddress: address },
            { 'idempotency-key': randomUUID() },
          );
          httpMs.push(Date.now() - at);
          if (answer.status === 202) accepted.push({ orderId: answer.body.orderId, startedAt: at });
          else failed(String(answer.status));
        } catch (error) {
          failed((error as Error).name === 'TimeoutError' ? 'client timeout (30 s)' : 'no answer');
        }
      })(),
    );
  }
  await Promise.all(checkouts);
  const elapsedS = (Date.now() - started) / 1000;
  const cpuAfter = cpuNow();
  const cpuCores = Object.fromEntries(
    Object.keys(cpuAfter).map((name) => [name, (cpuAfter[name] - cpuBefore[name]) / elapsedS]),
  );
  const backlogEnd = await backlog(shop, broker);

  // Quiet again before the next phase: every accepted order delivered and nothing left to do.
  const ended = Date.now();
  const deadline = ended + 120_000;
  for (;;) {
    const delivered = accepted.every(
      ({ orderId }) => tap.arrival(orderId, 'shipment.delivered') !== undefined,
    );
    const left = await backlog(shop, broker);
    if ((delivered && left.outboxDue + left.queued === 0) || Date.now() > deadline) break;
    await sleep(500);
  }
  const drainedS = (Date.now() - ended) / 1000;
  const cpuDrained = cpuNow();
  const cpuMsPerCheckout = Object.fromEntries(
    Object.keys(cpuDrained).map((name) => [
      name,
      ((cpuDrained[name] - cpuBefore[name]) * 1000) / Math.max(accepted.length, 1),
    ]),
  );
  const since = (type: string) =>
    accepted
      .map(({ orderId, startedAt }) => (tap.arrival(orderId, type) ?? NaN) - startedAt)
      .filter((value) => !Number.isNaN(value));
  return {
    offered: rate,
    achieved: accepted.length / elapsedS,
    errors: Object.values(errorKinds).reduce((sum, count) => sum + count, 0),
    errorKinds,
    httpMs,
    placedMs: since('order.placed'),
    shipmentMs: since('shipment.created'),
    deliveredMs: since('shipment.delivered'),
    backlogEnd,
    cpuCores,
    cpuMsPerCheckout,
    drainedS,
  };
}
