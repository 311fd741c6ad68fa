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
    await this.prisma.auditEntry.createMany({
      data: [
        {
          messageId: envelope.messageId,
          messageType: envelope.messageType,
          source: envelope.source,
          correlationId: envelope.correlationId,
          conversationId: envelope.conversationId,
          causationId: envelope.causationId,
          sentAt: new Date(envelope.sentAt),
          payload: payload as object,
        },
      ],
      skipDuplicates: true,
    });
  }
}
