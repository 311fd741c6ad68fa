import type { Client } from 'pg';
import type { Transport } from '@shopbus/messaging-core';
import {
  abandonBatch,
  claimBatch,
  settleBatch,
  type BatchOutcome,
  type ClaimedBatch,
} from './claimed-batch';
import type { ResolvedRelayOptions } from './outbox-relay.options';
import {
  keysNotPublished,
  publishInKeyOrder,
  type PublishResult,
  type RowPublisher,
} from './publish-in-key-order';

interface InFlight {
  batch: ClaimedBatch;
  results: Promise<PublishResult[]>;
}

/**
 * Relays batches until one comes back short, overlapping database and broker work on several
 * connections (three): the next batch is claimed while the broker confirms the current one and
 * the one before is being marked. A batch is published only after the one before it was
 * confirmed, and without the keys that failed there, so each key stays in order.
 *
 *     connection 1: claim 1 ──────────── mark 1 ────────── claim 4 ─── …
 *     broker:              publish 1 ──┘ publish 2 ──┘ publish 3 ──┘
 *     connection 2:        claim 2 ──────────── mark 2 ──────── …
 *     connection 3:                    claim 3 ──────────── mark 3 ── …
 */
export async function drainSlices(
  connections: readonly Client[],
  transport: Transport,
  publish: RowPublisher,
  slices: readonly number[],
  options: ResolvedRelayOptions,
  beforeCommit?: () => Promise<void>,
): Promise<BatchOutcome> {
  const total: BatchOutcome = { published: 0, failed: 0, brokerDown: false };
  if (slices.length === 0) return total;
  // Claimed and not yet settled: rolled back if anything throws.
  const open = new Set<ClaimedBatch>();
  // The mark running on each connection; the connection's next claim waits for it.
  const marking = new Map<Client, Promise<void>>();
  const settle = async (inFlight: InFlight, results: readonly PublishResult[]) => {
    const outcome = await settleBatch(inFlight.batch, results, transport, options, beforeCommit);
    open.delete(inFlight.batch);
    total.published += outcome.published;
    total.failed += outcome.failed;
    total.brokerDown ||= outcome.brokerDown;
  };
  const settleInBackground = (inFlight: InFlight, results: readonly PublishResult[]) => {
    const settled = settle(inFlight, results);
    settled.catch(() => undefined); // awaited (and so thrown) before the connection is used again
    marking.set(inFlight.batch.client, settled);
  };

  let previous: InFlight | undefined;
  let turn = 0;
  try {
    for (;;) {
      const connection = connections[turn++ % connections.length];
      await marking.get(connection);
      // Claimed while the broker confirms the previous batch.
      const batch = await claimBatch(connection, slices, options.batchSize, options.clock?.now());
      open.add(batch);
      let current: InFlight;
      if (!previous) {
        current = {
          batch,
          results: publishInKeyOrder(publish, batch),
        };
      } else {
        const results = await previous.results;
        if (results.some((result) => result.status !== 'published')) {
          // Something failed: record it first, then go on without the keys it concerns.
          await Promise.all(marking.values());
          await settle(previous, results);
          if (total.brokerDown) break;
          current = {
            batch,
            results: publishInKeyOrder(publish, batch, keysNotPublished(results)),
          };
        } else {
          current = {
            batch,
            results: publishInKeyOrder(publish, batch),
          };
          // Marked while the broker takes the current batch and the next one is claimed.
          settleInBackground(previous, results);
        }
      }
      previous = current;
      if (batch.rows.length < options.batchSize) break;
    }
    await Promise.all(marking.values());
    if (previous && open.has(previous.batch)) await settle(previous, await previous.results);
    return total;
  } finally {
    // After an error, or a broker outage: whatever is still claimed goes back to pending.
    await Promise.allSettled(marking.values());
    for (const batch of open) {
      if (previous?.batch === batch) await previous.results.catch(() => undefined);
      await abandonBatch(batch);
    }
  }
}
