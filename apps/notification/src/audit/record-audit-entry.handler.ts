import { Injectable } from '@nestjs/common';
import type { MessageContext } from '@shopbus/messaging-core';
import { FallbackMessageHandler } from '@shopbus/messaging-nestjs';
import { BatchWriter } from '@shopbus/persistence';
import { NotificationPrisma } from '../notification-prisma.service';
import { notificationEndpoints } from '../notification.endpoints';

/** An audit row as `jsonb_to_recordset` reads it (the table's column names). */
interface AuditRow {
  message_id: string;
  message_type: string;
  source: string;
  correlation_id: string;
  conversation_id: string;
  causation_id: string | null;
  sent_at: string;
  payload: unknown;
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
 */
@Injectable()
export class RecordAuditEntry {
  private readonly rows: BatchWriter<AuditRow>;

  constructor(prisma: NotificationPrisma) {
    this.rows = new BatchWriter(
      (rows) =>
        prisma.sql.$executeRaw`
        INSERT INTO audit_entry
          (message_id, message_type, source, correlation_id, conversation_id, causation_id,
           sent_at, payload)
        SELECT message_id, message_type, source, correlation_id, conversation_id, causation_id,
               sent_at, payload
          FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (
                 message_id text, message_type text, source text, correlation_id text,
                 conversation_id text, causation_id text, sent_at timestamptz, payload jsonb))
               WITH ORDINALITY AS entry(
                 message_id, message_type, source, correlation_id, conversation_id,
                 causation_id, sent_at, payload, n)
         ORDER BY n
        ON CONFLICT (message_id) DO NOTHING`,
    );
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
    });
  }
}
