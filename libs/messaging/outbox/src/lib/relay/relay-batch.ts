import type { Client } from 'pg';
import {
  encodeBody,
  TransportDisconnectedError,
  type Destination,
  type MessageMetadata,
  type OutboundMessage,
  type Transport,
} from '@shopbus/messaging-core';
import { retryDelayMs } from './backoff';
import type { ResolvedRelayOptions } from './outbox-relay.options';

interface OutboxRow {
  sequence: string;
  partition_key: string;
  intent: 'publish' | 'send';
  exchange: string | null;
  routing_key: string | null;
  queue: string | null;
  metadata: MessageMetadata;
  payload: unknown;
  attempts: number;
}

export interface BatchOutcome {
  claimed: number;
  published: number;
  /** Rows that failed their last attempt and were moved to the failed state. */
  failed: number;
  /** The transport was disconnected: nothing was marked, the relay should back off. */
  brokerDown: boolean;
}

/**
 * One batch, in one transaction on the relay's connection: claim the next due rows of the owned
 * slices (FOR UPDATE SKIP LOCKED), publish them through the transport (each key's rows in
 * order, keys side by side), wait for the confirms, mark what the broker took, record the
 * failures, commit. A crash before the commit rolls the claim back and the rows
 * are published again: at least once, never zero times.
 *
 * A row waiting out its retry delay holds back the later rows of its key (so a key's messages
 * never overtake each other), and only those: other keys flow on.
 */
export async function relayBatch(
  client: Client,
  transport: Transport,
  slices: readonly number[],
  options: ResolvedRelayOptions,
  beforeCommit?: () => Promise<void>,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { claimed: 0, published: 0, failed: 0, brokerDown: false };
  if (slices.length === 0) return outcome;
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<OutboxRow>(
      `SELECT o.sequence, o.partition_key, o.intent, o.exchange, o.routing_key, o.queue, o.metadata, o.payload,
              o.attempts
         FROM outbox_message o
        WHERE o.pending AND o.slice = ANY($1::int[]) AND o.next_attempt_at <= now()
          AND NOT EXISTS (
                SELECT 1 FROM outbox_message earlier
                 WHERE earlier.partition_key = o.partition_key AND earlier.pending
                   AND earlier.sequence < o.sequence AND earlier.next_attempt_at > now())
        ORDER BY o.sequence
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [slices, options.batchSize],
    );
    outcome.claimed = rows.length;
    if (rows.length === 0) {
      await client.query('COMMIT');
      return outcome;
    }
    const results = await publishInKeyOrder(transport, rows);

    const published: string[] = [];
    const failures: { row: OutboxRow; error: unknown }[] = [];
    const disconnected: FailedPublish[] = [];
    for (const result of results) {
      if (result.status === 'published') published.push(result.row.sequence);
      else if (result.status === 'failed') {
        if (result.error instanceof TransportDisconnectedError) disconnected.push(result);
        else failures.push({ row: result.row, error: result.error });
      }
    }
    if (disconnected.length > 0) {
      outcome.brokerDown = true;
      // The broker went away, or closed the channel over one row (an exchange that does not
      // exist): then the transport is still connected, and the row sent first among the failed
      // is the culprit and is charged an attempt; the rows behind it failed with the channel.
      if (transport.isConnected) {
        const culprit = disconnected.reduce((a, b) => (a.sentAt <= b.sentAt ? a : b));
        failures.push({ row: culprit.row, error: culprit.error });
      }
    }

    await beforeCommit?.();
    if (published.length > 0) {
      await client.query(
        `UPDATE outbox_message SET published_at = now(), pending = false
          WHERE sequence = ANY($1::bigint[])`,
        [published],
      );
    }
    for (const { row, error } of failures) {
      const attempts = row.attempts + 1;
      const giveUp = attempts >= options.maxAttempts;
      await client.query(
        `UPDATE outbox_message
            SET attempts = $2, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4::float8 / 1000),
                failed_at = CASE WHEN $5 THEN now() END, pending = NOT $5
          WHERE sequence = $1`,
        [
          row.sequence,
          attempts,
          errorText(error),
          retryDelayMs(attempts, options.retryInitialDelayMs, options.retryMaxDelayMs),
          giveUp,
        ],
      );
      if (giveUp) outcome.failed += 1;
    }
    await client.query('COMMIT');
    outcome.published = published.length;
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** `sentAt` orders the publishes as they went on the wire (across keys). */
type FailedPublish = { status: 'failed'; row: OutboxRow; error: unknown; sentAt: number };
type PublishResult =
  | { status: 'published'; row: OutboxRow }
  | FailedPublish
  /** Not attempted: an earlier row of its key failed in this batch, and it must not overtake it. */
  | { status: 'held-back'; row: OutboxRow };

/**
 * Publishes the rows of each partition key one after another, each only once the broker
 * confirmed the one before, so a failure never lets a later message of the key through first;
 * different keys run side by side, pipelined on the confirm channel.
 */
async function publishInKeyOrder(
  transport: Transport,
  rows: readonly OutboxRow[],
): Promise<PublishResult[]> {
  const byKey = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const chain = byKey.get(row.partition_key);
    if (chain) chain.push(row);
    else byKey.set(row.partition_key, [row]);
  }
  let sent = 0;
  const chains = [...byKey.values()].map(async (chain) => {
    const results: PublishResult[] = [];
    let blocked = false;
    for (const row of chain) {
      if (blocked) {
        results.push({ status: 'held-back', row });
        continue;
      }
      const sentAt = sent++;
      try {
        await publishRow(transport, row);
        results.push({ status: 'published', row });
      } catch (error) {
        results.push({ status: 'failed', row, error, sentAt });
        blocked = true;
      }
    }
    return results;
  });
  return (await Promise.all(chains)).flat();
}

function publishRow(transport: Transport, row: OutboxRow): Promise<void> {
  const message: OutboundMessage = { metadata: row.metadata, body: encodeBody(row.payload) };
  if (row.intent === 'publish') return transport.publish(message);
  return transport.send(message, destinationOf(row));
}

function destinationOf(row: OutboxRow): Destination | undefined {
  if (row.queue) return { queue: row.queue };
  if (row.exchange !== null)
    return { exchange: row.exchange, routingKey: row.routing_key ?? undefined };
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
