import { sql, type SqlStatement } from '@shopbus/persistence';
import { JOURNEY_STEPS } from './journey-steps';

/** An audit row as `jsonb_to_recordset` reads it (the table's column names). */
export interface AuditRow {
  message_id: string;
  message_type: string;
  source: string;
  correlation_id: string;
  conversation_id: string;
  causation_id: string | null;
  sent_at: string;
  /** In clear, or null where `sealed_payload` holds it. */
  payload: unknown;
  /** Base64 of the payload sealed with the customer's key. */
  sealed_payload: string | null;
  customer_ref: string | null;
  /** Which of the customer's keys sealed it (a forgotten customer seen again has a new one). */
  customer_key_id: string | null;
}

/**
 * Stores a batch of audit rows (a redelivered event's row is already there: skipped) and
 * returns the journey steps they complete: a step counts once, when the second of its events is
 * stored, so a redelivered event completes nothing. One statement, run for every batch.
 *
 * The earlier events of the batch's orders are looked up by correlation id with `= ANY (ARRAY(…))`,
 * not `IN (SELECT …)`: the planner sizes a set-returning function at 100 rows, and without fresh
 * statistics on audit_entry (autovacuum off, or a table grown since its last analyze) it then
 * reads the whole log by a sequential scan and hashes it, once per batch, and the audit log
 * only grows (15 ms at 70,000 rows vs 0.3 ms). An array computed first is looked up through
 * the correlation index whatever the statistics say.
 */
export function recordAuditRows(rows: readonly AuditRow[]): SqlStatement {
  return sql`
    WITH steps AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(JOURNEY_STEPS)}::jsonb)
                 AS step(step text, "from" text, "to" text)
    ), journey_types AS (
      SELECT "from" AS message_type FROM steps UNION SELECT "to" FROM steps
    ), inserted AS (
      INSERT INTO audit_entry
        (message_id, message_type, source, correlation_id, conversation_id, causation_id,
         sent_at, payload, sealed_payload, customer_ref, customer_key_id)
      SELECT message_id, message_type, source, correlation_id, conversation_id, causation_id,
             sent_at, payload, decode(sealed_payload, 'base64'), customer_ref, customer_key_id
        FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (
               message_id text, message_type text, source text, correlation_id text,
               conversation_id text, causation_id text, sent_at timestamptz, payload jsonb,
               sealed_payload text, customer_ref text, customer_key_id text))
             WITH ORDINALITY AS entry(
               message_id, message_type, source, correlation_id, conversation_id,
               causation_id, sent_at, payload, sealed_payload, customer_ref, customer_key_id, n)
       ORDER BY n
      ON CONFLICT (message_id) DO NOTHING
      RETURNING message_type, correlation_id, sent_at
    ), journey AS (
      SELECT message_type, correlation_id, sent_at, true AS fresh FROM inserted
       WHERE message_type IN (SELECT message_type FROM journey_types)
      UNION ALL
      -- The statement's own inserts are not visible here: no event is read twice.
      SELECT message_type, correlation_id, sent_at, false FROM audit_entry
       WHERE message_type IN (SELECT message_type FROM journey_types)
         AND correlation_id = ANY (ARRAY(
               SELECT correlation_id FROM inserted
                WHERE message_type IN (SELECT message_type FROM journey_types)))
    )
    SELECT steps.step, extract(epoch FROM next.sent_at - first.sent_at)::float8 AS seconds
      FROM steps
      JOIN journey first ON first.message_type = steps."from"
      JOIN journey next ON next.message_type = steps."to"
                       AND next.correlation_id = first.correlation_id
     WHERE first.fresh OR next.fresh`;
}
