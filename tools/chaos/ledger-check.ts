import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckoutAttempt } from './checkout-load';
import { isPoison } from './poison-messages';
import type { OwnShop } from '../rig/own-shop';
import { asShopOperator } from '../shop/operator-token';

/** What became of one accepted checkout, checked across the services. */
export interface OrderOutcome {
  attempt: CheckoutAttempt;
  orderStatus?: string;
  shipmentStatus?: string;
  /** Notifications the customer got, by cause. */
  notifications: Record<string, number>;
}

/** The customer must hear of each exactly once. */
const EXPECTED_NOTIFICATIONS = ['order.placed', 'shipment.dispatched', 'shipment.delivered'];

export const isLost = (outcome: OrderOutcome) =>
  outcome.orderStatus !== 'delivered' ||
  outcome.shipmentStatus !== 'delivered' ||
  EXPECTED_NOTIFICATIONS.some((cause) => (outcome.notifications[cause] ?? 0) === 0);

export const isDuplicated = (outcome: OrderOutcome) =>
  Object.values(outcome.notifications).some((count) => count > 1);

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, {
      headers: asShopOperator(),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  } catch {
    return { status: 0, body: undefined };
  }
}

async function outcomeOf(shop: OwnShop, attempt: CheckoutAttempt): Promise<OrderOutcome> {
  const { urls } = shop;
  const order = await getJson(`${urls['order']}/orders/${attempt.orderId}`);
  const shipment = await getJson(`${urls['shipping']}/shipments?orderId=${attempt.orderId}`);
  const notes = await getJson(
    `${urls['notification']}/notifications?email=${encodeURIComponent(attempt.email)}`,
  );
  const notifications: Record<string, number> = {};
  for (const note of (Array.isArray(notes.body) ? notes.body : []) as {
    cause: string;
    channel: string;
  }[]) {
    if (note.channel === 'email') notifications[note.cause] = (notifications[note.cause] ?? 0) + 1;
  }
  return {
    attempt,
    orderStatus: (order.body as { status?: string } | undefined)?.status,
    shipmentStatus: (shipment.body as { status?: string } | undefined)?.status,
    notifications,
  };
}

/**
 * Waits (up to `timeoutMs`) until every accepted checkout has come to its end (delivered, with
 * its three notifications), then returns each one's outcome as it stands.
 */
export async function settleOrders(
  shop: OwnShop,
  accepted: CheckoutAttempt[],
  timeoutMs: number,
): Promise<OrderOutcome[]> {
  const deadline = Date.now() + timeoutMs;
  let open = accepted;
  const done: OrderOutcome[] = [];
  for (;;) {
    const outcomes: OrderOutcome[] = [];
    for (let i = 0; i < open.length; i += 20) {
      outcomes.push(...(await Promise.all(open.slice(i, i + 20).map((a) => outcomeOf(shop, a)))));
    }
    done.push(...outcomes.filter((outcome) => !isLost(outcome)));
    const unfinished = outcomes.filter(isLost);
    if (unfinished.length === 0 || Date.now() > deadline) return [...done, ...unfinished];
    open = unfinished.map((outcome) => outcome.attempt);
    await sleep(2000);
  }
}

/** Dead letters and stuck outbox rows found in the services once the load has stopped. */
export interface Leftovers {
  explainedDeadLetters: number;
  /** Message ids found in the dead-letter queues. */
  deadLetteredIds: Set<string>;
  unexplainedDeadLetters: string[];
  stuckOutboxRows: string[];
}

export async function leftovers(shop: OwnShop): Promise<Leftovers> {
  const found: Leftovers = {
    explainedDeadLetters: 0,
    deadLetteredIds: new Set(),
    unexplainedDeadLetters: [],
    stuckOutboxRows: [],
  };
  for (const service of shop.services) {
    const url = shop.urls[service.name];
    for (const queue of service.queues) {
      const listing = await getJson(`${url}/admin/dead-letters/${queue}?limit=500`);
      const messages = ((listing.body as { messages?: unknown[] })?.messages ?? []) as {
        messageId?: string;
        messageType?: string;
        reason: string;
        body: string;
      }[];
      for (const message of messages) {
        if (message.messageId) found.deadLetteredIds.add(message.messageId);
        if (isPoison(message)) found.explainedDeadLetters += 1;
        else
          found.unexplainedDeadLetters.push(
            `${queue}.dlq: ${message.messageType} ${message.messageId}: ${message.reason}`,
          );
      }
    }
    const health = await getJson(`${url}/health/ready`);
    const outbox = (
      health.body as { details?: { outbox?: { pending?: number; scheduled?: number } } }
    )?.details?.outbox;
    const due = (outbox?.pending ?? 0) - (outbox?.scheduled ?? 0);
    if (due > 0) found.stuckOutboxRows.push(`${service.name}: ${due} due rows not published`);
    const failed = await getJson(`${url}/admin/outbox/failed`);
    for (const row of (Array.isArray(failed.body) ? failed.body : []) as {
      messageType: string;
      lastError: string;
    }[]) {
      found.stuckOutboxRows.push(`${service.name}: failed ${row.messageType}: ${row.lastError}`);
    }
  }
  return found;
}

/**
 * The leftovers once every poison message has reached a dead-letter queue (the slowest, with
 * forged headers, goes through the whole retry policy first), or as they are at `timeoutMs`;
 * the ids still missing are named.
 */
export async function leftoversOncePoisonDeadLettered(
  shop: OwnShop,
  poisonIds: readonly string[],
  timeoutMs: number,
): Promise<Leftovers & { poisonNotDeadLettered: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await leftovers(shop);
    const missing = poisonIds.filter((id) => !found.deadLetteredIds.has(id));
    if (missing.length === 0 || Date.now() > deadline) {
      return { ...found, poisonNotDeadLettered: missing };
    }
    await sleep(1000);
  }
}
