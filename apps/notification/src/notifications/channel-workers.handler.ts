import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotificationRequested } from '@shopbus/contracts';
import type { MessageContext, PayloadOf } from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Inbox } from '@shopbus/messaging-outbox';
import { NotificationPrisma } from '../notification-prisma.service';

/**
 * The channel workers: each queue is bound to the notifications headers exchange with its own
 * match, and "delivers" (records) what arrives. `email` takes every email (x-match all);
 * `urgent` takes anything high-priority or meant for SMS (x-match any), so a high-priority email
 * arrives at both, as a pager would ring besides the mail.
 */
@Injectable()
export class ChannelWorkersHandler {
  constructor(
    private readonly prisma: NotificationPrisma,
    private readonly inbox: Inbox,
  ) {}

  @MessageHandler(NotificationRequested, {
    queue: 'notification.email',
    bindings: [
      { exchange: 'notifications', headers: { match: 'all', values: { channel: 'email' } } },
    ],
  })
  email(request: PayloadOf<typeof NotificationRequested>, context: MessageContext) {
    return this.deliver('email', request, context);
  }

  @MessageHandler(NotificationRequested, {
    queue: 'notification.urgent',
    bindings: [
      {
        exchange: 'notifications',
        headers: { match: 'any', values: { priority: 'high', channel: 'sms' } },
      },
    ],
  })
  urgent(request: PayloadOf<typeof NotificationRequested>, context: MessageContext) {
    return this.deliver('urgent', request, context);
  }

  private async deliver(
    channel: string,
    request: PayloadOf<typeof NotificationRequested>,
    context: MessageContext,
  ): Promise<void> {
    const { envelope } = context;
    await this.inbox.handleOnce(this.prisma.sql, context, `notification.${channel}`, async (tx) => {
      await tx.$executeRaw`
        INSERT INTO notification
          (id, channel, priority, recipient, subject, body, cause, order_id, correlation_id)
        VALUES
          (${randomUUID()}::uuid, ${channel}, ${String(envelope.headers['priority'] ?? 'normal')},
           ${request.recipient}, ${request.subject}, ${request.body}, ${request.cause},
           ${request.orderId ?? null}::uuid, ${envelope.correlationId})`;
    });
  }
}
