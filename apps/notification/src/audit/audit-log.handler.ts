import { Injectable } from '@nestjs/common';
import type { MessageContext } from '@shopbus/messaging-core';
import { FallbackMessageHandler } from '@shopbus/messaging-nestjs';
import { NotificationPrisma } from '../notification-prisma.service';

/**
 * The audit log: every event in the shop, from the audit fanout exchange (fed by an
 * exchange-to-exchange binding from the events exchange), stored with its envelope. It knows no
 * contracts, so one fallback handler takes every type; a redelivery finds its message id and
 * adds nothing.
 */
@Injectable()
export class AuditLogHandler {
  constructor(private readonly prisma: NotificationPrisma) {}

  @FallbackMessageHandler({
    queue: 'notification.audit',
    prefetch: 64,
    bindings: [{ exchange: 'audit' }],
  })
  async record(payload: unknown, { envelope }: MessageContext): Promise<void> {
    // Every event of the shop passes here: one plain statement, no transaction, no inbox (the
    // unique message id is the deduplication).
    await this.prisma.sql.$executeRaw`
      INSERT INTO audit_entry
        (message_id, message_type, source, correlation_id, conversation_id, causation_id,
         sent_at, payload)
      VALUES
        (${envelope.messageId}, ${envelope.messageType}, ${envelope.source},
         ${envelope.correlationId}, ${envelope.conversationId}, ${envelope.causationId ?? null},
         ${new Date(envelope.sentAt)}, ${JSON.stringify(payload ?? null)}::jsonb)
      ON CONFLICT (message_id) DO NOTHING`;
  }
}
