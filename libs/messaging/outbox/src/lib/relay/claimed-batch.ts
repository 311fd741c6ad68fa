import type { Client, QueryResult } from 'pg';
import { TransportDisconnectedError, type Transport } from '@shopbus/messaging-core';
import { retryDelayMs } from './backoff';
import type { OutboxRow } from './outbox-row';
import type { ResolvedRelayOptions } from './outbox-relay.options';
import type { PublishResult } from './publish-in-key-order';

/** When a claim ran (`performance.now()` times), for the claim's span in each row's trace. */
export interface ClaimTiming {
  startTime: number;
  endTime: number;
}

/** Rows claimed in an open transaction on `client`: locked until `settle` or `abandon`. */
export interface ClaimedBatch {
  client: Client;
  rows: OutboxRow[];
  claim: ClaimTiming;
}

export interface BatchOutcome {
  published: number;
  /** Rows that failed their last attempt and were moved to the failed state. */
  failed: number;
  /** The transport was disconnected: nothing behind that was marked; the relay should back off. */
  brokerDown: boolean;
}

/**
 * Opens a transaction and locks the next due rows of the owned slices, oldest first, skipping
 * rows another transaction holds (FOR UPDATE SKIP LOCKED) and scheduled rows not yet due. A
 * row waiting out its retry delay holds back the later rows of its key, so a key's messages never
 * overtake each other; other keys flow on.
 */
export async function claimBatch(
  client: Client,
  slices: readonly number[],
  batchSize: number,
  /** The time rows fall due by (a test's virtual clock); omitted, the database's `now()`. */
  nowMs?: number,
): Promise<ClaimedBatch> {
  const now = nowMs === undefined ? 'now()' : timestamp(nowMs);
  // The claim must walk outbox_message_pending_idx in order and stop at the limit; right after
  // a burst, before autovacuum has analyzed the table, the planner may prefer to read every
  // pending row and sort them, so sorting is ruled out for this transaction.
  // BEGIN, the setting and the claim go in one simple query: one round trip, not two, after
  // every wake-up. A simple query takes no bind parameters, so its only values, the slices, the
  // batch size and a test clock's time, are written in as checked integers (the time as an
  // ISO literal made from one).
  const startTime = performance.now();
  try {
    const results = (await client.query(
      `BEGIN; SET LOCAL enable_sort = off;
       WITH held AS MATERIALIZED (
         -- Keys with a row waiting out its retry delay (few), from that row on.
         SELECT partition_key, min(sequence) AS from_sequence FROM outbox_message
          WHERE pending AND next_attempt_at > ${now} AND attempts > 0
          GROUP BY partition_key)
       SELECT o.sequence, o.partition_key, o.intent, o.exchange, o.routing_key, o.queue,
              o.metadata, o.payload::text AS body, o.attempts, o.next_attempt_at
         FROM outbox_message o
        WHERE o.pending AND o.slice = ANY('{${slices.map(integer).join(',')}}'::int[])
          AND o.next_attempt_at <= ${now}
          AND NOT EXISTS (SELECT 1 FROM held
                           WHERE held.partition_key = o.partition_key
                             AND held.from_sequence <= o.sequence)
        ORDER BY o.pending, o.sequence -- the order of outbox_message_pending_idx: read, not sorted
        LIMIT ${integer(batchSize)}
        FOR UPDATE OF o SKIP LOCKED`,
    )) as unknown as QueryResult<OutboxRow>[];
    const rows = results[results.length - 1].rows;
    return { client, rows, claim: { startTime, endTime: performance.now() } };
  } catch (error) {
    await abandonBatch({ client });
    throw error;
  }
}

/**
 * Marks what the broker confirmed, charges the failures an attempt (moving a row that used its
 * last one to the failed state), and commits. Rows held back are left as they were.
 */
export async function settleBatch(
  batch: ClaimedBatch,
  results: readonly PublishResult[],
  transport: Transport,
  options: ResolvedRelayOptions,
  beforeCommit?: () => Promise<void>,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { published: 0, failed: 0, brokerDown: false };
  const published: string[] = [];
  const failures: { row: OutboxRow; error: unknown }[] = [];
  const disconnected: Extract<PublishResult, { status: 'failed' }>[] = [];
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
    // exist): then the transport is still connected, and the row sent first among the failed is
    // the culprit and is charged an attempt; the rows behind it failed with the channel.
    if (transport.status().connected) {
      const culprit = disconnected.reduce((a, b) => (a.sentAt <= b.sentAt ? a : b));
      failures.push({ row: culprit.row, error: culprit.error });
    }
  }

  const { client } = batch;
  if (batch.rows.length === 0) {
    await client.query('COMMIT');
    return outcome;
  }
  try {
    await beforeCommit?.();
    const marked =
      published.length > 0
        ? `UPDATE outbox_message SET published_at = now(), pending = false
            WHERE sequence = ANY('{${published.map(sequenceNumber).join(',')}}'::bigint[]);`
        : '';
    if (failures.length === 0) {
      // The usual case: the mark and the commit in one simple query, one round trip.
      await client.query(`${marked} COMMIT`);
      outcome.published = published.length;
      return outcome;
    }
    if (marked) await client.query(marked);
    for (const { row, error } of failures) {
      const attempts = row.attempts + 1;
      const giveUp = attempts >= options.maxAttempts;
      await client.query(
        `UPDATE outbox_message
            SET attempts = $2, last_error = $3,
                next_attempt_at = COALESCE($6::timestamptz, now())
                                  + make_interval(secs => $4::float8 / 1000),
                failed_at = CASE WHEN $5 THEN now() END, pending = NOT $5
          WHERE sequence = $1`,
        [
          row.sequence,
          attempts,
          errorText(error),
          retryDelayMs(attempts, options.retryInitialDelayMs, options.retryMaxDelayMs),
          giveUp,
          options.clock ? new Date(options.clock.now()).toISOString() : null,
        ],
      );
      if (giveUp) outcome.failed += 1;
    }
    await client.query('COMMIT');
  } catch (error) {
    await abandonBatch(batch);
    throw error;
  }
  outcome.published = published.length;
  return outcome;
}

/** Rolls the claim back: every row is pending again, as if this relay had never seen it. */
export async function abandonBatch(batch: Pick<ClaimedBatch, 'client'>): Promise<void> {
  await batch.client.query('ROLLBACK').catch(() => undefined);
}

/** A time written into SQL text: an ISO-8601 literal built here from a number, nothing else. */
function timestamp(ms: number): string {
  integer(ms);
  return `'${new Date(ms).toISOString()}'::timestamptz`;
}

/** A number written into SQL text: only ever an integer (slices, the batch size). */
function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer: ${value}`);
  return String(value);
}

/** A row's sequence (bigint, as pg returns it: a string) written into SQL text: digits only. */
function sequenceNumber(value: string): string {
  if (!/^\d{1,19}$/.test(value)) throw new TypeError(`not a sequence number: ${value}`);
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
