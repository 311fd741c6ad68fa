import type { MessageEnvelope } from '@shopbus/messaging-core';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-table';
import type { SqlExecutor } from './sql-executor';

/** One outbox row, as `jsonb_to_recordset` reads it (snake_case, as the table's columns). */
export interface OutboxRow {
  message_id: string;
  partition_key: string;
  slice: number;
  intent: 'publish' | 'send';
  message_type: string;
  exchange: string | null;
  routing_key: string | null;
  queue: string | null;
  metadata: Omit<MessageEnvelope, 'payload'>;
  payload: unknown;
  next_attempt_at: string;
}

/** Inserts `rows` in their order with one statement that also notifies the relays (at commit). */
export async function insertOutboxRows(tx: SqlExecutor, rows: OutboxRow[]): Promise<void> {
  // WITH ORDINALITY + ORDER BY: the sequence numbers follow the order the messages were added,
  // which is the order the relay publishes one partition key's messages in.
  await tx.$executeRaw`
    WITH written AS (
      INSERT INTO outbox_message
        (message_id, partition_key, slice, intent, message_type,
         exchange, routing_key, queue, metadata, payload, next_attempt_at)
      SELECT message_id, partition_key, slice, intent, message_type,
             exchange, routing_key, queue, metadata, payload, next_attempt_at
        FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (
               message_id uuid, partition_key text, slice smallint, intent varchar(8),
               message_type text, exchange text, routing_key text, queue text,
               metadata jsonb, payload jsonb, next_attempt_at timestamptz))
             WITH ORDINALITY AS message(
               message_id, partition_key, slice, intent, message_type, exchange,
               routing_key, queue, metadata, payload, next_attempt_at, n)
       ORDER BY n
      RETURNING 1
    )
    SELECT pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '') FROM written LIMIT 1`;
}
