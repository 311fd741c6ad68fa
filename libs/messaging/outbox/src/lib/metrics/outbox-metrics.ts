import type { ClientBase } from 'pg';
import { FAILED_ROWS } from '../outbox-table';

/** What an operator watches: is the outbox keeping up, and did anything give up? */
export interface OutboxMetrics {
  /** Rows written and not yet published (nor failed), due or scheduled for later. */
  pending: number;
  /** Pending rows scheduled for later (their time has not come: not a backlog). */
  scheduled: number;
  /**
   * How long the oldest due row has been waiting since it became due; 0 when none. Rising means
   * the relay is behind or stuck. Rows scheduled for later do not count until their time comes.
   */
  oldestPendingAgeMs: number;
  /** Rows in the failed state, waiting for someone to look. */
  failed: number;
  /** Rows this relay published since it started. */
  publishedByThisRelay: number;
  /** Rows this relay moved to the failed state since it started. */
  failedByThisRelay: number;
}

/**
 * What the connection that reads the metrics sets for its session: no sequential scan where an
 * index can answer. The outbox keeps published rows for a day, and the planner, without fresh
 * statistics on the table (autovacuum off, or a burst since its last analyze), takes `pending`
 * for a common value and reads every row kept, on every health check and scrape; each of these
 * counts has an index that reads the few rows it is about.
 */
export const METRICS_CONNECTION_OPTIONS = '-c enable_seqscan=off';

/** The counts behind OutboxMetrics, in one statement. */
export const OUTBOX_TABLE_METRICS_SQL = `SELECT
   (SELECT count(*) FROM outbox_message WHERE pending) AS pending,
   (SELECT count(*) FROM outbox_message WHERE pending AND next_attempt_at > now()) AS scheduled,
   (SELECT extract(epoch FROM now() - min(next_attempt_at)) * 1000
      FROM outbox_message WHERE pending AND next_attempt_at <= now()) AS oldest_ms,
   (SELECT count(*) FROM outbox_message WHERE ${FAILED_ROWS}) AS failed`;

/** Reads the counts; `client` should be connected with METRICS_CONNECTION_OPTIONS. */
export async function readOutboxTable(
  client: ClientBase,
): Promise<Pick<OutboxMetrics, 'pending' | 'scheduled' | 'oldestPendingAgeMs' | 'failed'>> {
  const { rows } = await client.query<{
    pending: string;
    scheduled: string;
    oldest_ms: number | null;
    failed: string;
  }>(OUTBOX_TABLE_METRICS_SQL);
  return {
    pending: Number(rows[0].pending),
    scheduled: Number(rows[0].scheduled),
    oldestPendingAgeMs: Math.max(0, Math.round(Number(rows[0].oldest_ms ?? 0))),
    failed: Number(rows[0].failed),
  };
}
