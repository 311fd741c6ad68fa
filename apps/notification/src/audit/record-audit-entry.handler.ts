import { Injectable } from '@nestjs/common';
import type { MessageContext } from '@shopbus/messaging-core';
import { FallbackMessageHandler } from '@shopbus/messaging-nestjs';
import { BatchWriter } from '@shopbus/persistence';
import { NotificationPrisma } from '../notification-prisma.service';
import { notificationEndpoints } from '../notification.endpoints';
import { CustomerKeys, customerRefOf } from './customer-keys';
import { JourneyStepMetrics, type CompletedStep } from './journey-steps';
import { recordAuditRows, type AuditRow } from './record-audit-rows.statement';
import { carriesPersonalData, customerEmailOf, sealPayload } from './sealed-payload';

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
      const completed = await prisma.sql.rowsOf<CompletedStep>(recordAuditRows(rows));
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
