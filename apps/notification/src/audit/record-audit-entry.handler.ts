import { Injectable } from '@nestjs/common';
import type { MessageContext } from '@shopbus/messaging-core';
import { FallbackMessageHandler } from '@shopbus/messaging-nestjs';
import { BatchWriter } from '@shopbus/persistence';
import { NotificationPrisma } from '../notification-prisma.service';
import { notificationEndpoints } from '../notification.endpoints';
import { CustomerKeys, customerRefOf } from './customer-keys';
import { JOURNEY_STEPS, JourneyStepMetrics, type CompletedStep } from './journey-steps';
import { carriesPersonalData, customerEmailOf, sealPayload } from './sealed-payload';

/** An audit row as `jsonb_to_recordset` reads it (the table's column names). */
interface AuditRow {
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
 * The audit log: every event in the shop, from the audit fanout exchange (fed by an
 * exchange-to-exchange binding from the events exchange), stored with its envelope. It knows no
 * contracts, so one fallback handler takes every type; a redelivery finds its message id and
 * adds nothing.
 *
 * Every event of the shop passes here (seven per checkout), so the rows the endpoint's handlers
 * take at once are written together: one statement and one commit per turn of the event loop
 * (BatchWriter), each message acked once its row is committed.
 *
 * An event whose contract declares personal data and that names its customer (`customerEmail`)
 * is stored sealed with that customer's own key (CustomerKeys): forgetting the customer deletes
 * the key, and with it every such row's content; its envelope (type, source, times, ids) stays.
 */
@Injectable()
export class RecordAuditEntry {
  private readonly rows: BatchWriter<AuditRow>;

  constructor(
    prisma: NotificationPrisma,
    private readonly customerKeys: CustomerKeys,
    private readonly journey: JourneyStepMetrics,
  ) {
    this.rows = new BatchWriter(async (entries) => {
      const rows = await this.sealPersonalData(entries);
      // The rows, and the journey steps they complete: a step counts once, when the second of
      // its events is stored (a redelivered event is not stored again, so it completes nothing).
      const completed = await prisma.sql.$queryRaw<CompletedStep>`
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
             AND correlation_id IN (SELECT correlation_id FROM inserted
                                     WHERE message_type IN (SELECT message_type FROM journey_types))
        )
        SELECT steps.step, extract(epoch FROM next.sent_at - first.sent_at)::float8 AS seconds
          FROM steps
          JOIN journey first ON first.message_type = steps."from"
          JOIN journey next ON next.message_type = steps."to"
                           AND next.correlation_id = first.correlation_id
         WHERE first.fresh OR next.fresh`;
      this.journey.record(completed);
    });
  }

  /** Seals the personal rows of a batch, with one lookup of their customers' keys. */
  private async sealPersonalData(rows: AuditRow[]): Promise<AuditRow[]> {
    const refOf = (row: AuditRow) => {
      const email = carriesPersonalData(row.message_type) && customerEmailOf(row.payload);
      return email ? customerRefOf(email) : undefined;
    };
    const refs = rows.map(refOf);
    const keys = await this.customerKeys.keysFor(refs.filter((ref) => ref !== undefined));
    return rows.map((row, index) => {
      const key = keys.get(refs[index] as string);
      if (!key) return row;
      const sealed = sealPayload(row.payload, key, row.message_id).toString('base64');
      return {
        ...row,
        payload: null,
        sealed_payload: sealed,
        customer_ref: refs[index] as string,
        customer_key_id: key.activeKeyId,
      };
    });
  }

  @FallbackMessageHandler(notificationEndpoints.audit)
  async record(payload: unknown, { envelope }: MessageContext): Promise<void> {
    await this.rows.write({
      message_id: envelope.messageId,
      message_type: envelope.messageType,
      source: envelope.source,
      correlation_id: envelope.correlationId,
      conversation_id: envelope.conversationId,
      causation_id: envelope.causationId ?? null,
      sent_at: new Date(envelope.sentAt).toISOString(),
      payload: payload ?? null,
      sealed_payload: null,
      customer_ref: null,
      customer_key_id: null,
    });
  }
}
