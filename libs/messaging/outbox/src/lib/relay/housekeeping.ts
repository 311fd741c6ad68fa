import type { Client } from 'pg';

const CHUNK = 5000;

/**
 * Deletes published outbox rows and inbox records older than their retention, a chunk at a time
 * so that no statement holds many locks or runs long. Failed outbox rows are kept: they wait for
 * someone to look at them (and `OutboxRelay.retryFailed`).
 */
export async function deleteExpiredRows(
  client: Client,
  publishedRetentionMs: number,
  inboxRetentionMs: number,
): Promise<{ outbox: number; inbox: number }> {
  const deleted = { outbox: 0, inbox: 0 };
  for (;;) {
    const result = await client.query(
      `DELETE FROM outbox_message WHERE sequence IN (
         SELECT sequence FROM outbox_message
          WHERE published_at < now() - make_interval(secs => $1::float8 / 1000)
          ORDER BY sequence -- the oldest rows come first in the primary key: no index of its own
          LIMIT $2)`,
      [publishedRetentionMs, CHUNK],
    );
    deleted.outbox += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < CHUNK) break;
  }
  for (;;) {
    const result = await client.query(
      `DELETE FROM inbox_message WHERE ctid IN (
         SELECT ctid FROM inbox_message
          WHERE received_at < now() - make_interval(secs => $1::float8 / 1000)
          LIMIT $2)`,
      [inboxRetentionMs, CHUNK],
    );
    deleted.inbox += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < CHUNK) break;
  }
  return deleted;
}
