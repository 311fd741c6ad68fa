import { randomUUID } from 'node:crypto';
import type { DeliverNotification } from '@shopbus/contracts';
import type { MessageEnvelope, PayloadOf } from '@shopbus/messaging-core';
import type { PgTransaction } from '@shopbus/persistence';

/**
 * "Delivers" a notification on a channel: the demo records it, with the priority it was sent
 * with and the conversation it belongs to, where a real service would call a mail or SMS API.
 */
export async function recordDelivery(
  tx: PgTransaction,
  channel: 'email' | 'urgent',
  request: PayloadOf<typeof DeliverNotification>,
  envelope: MessageEnvelope,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO notification
      (id, channel, priority, recipient, subject, body, cause, order_id, correlation_id)
    VALUES
      (${randomUUID()}::uuid, ${channel}, ${String(envelope.headers['priority'] ?? 'normal')},
       ${request.recipient}, ${request.subject}, ${request.body}, ${request.cause},
       ${request.orderId ?? null}::uuid, ${envelope.correlationId})`;
}
