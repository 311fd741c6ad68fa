import { defineCommand } from '@shopbus/messaging-core';
import { z } from 'zod';

/**
 * A notification to deliver, published to the notifications (headers) exchange with headers
 * `channel` (email | sms) and `priority` (normal | high): channel queues bind with x-match.
 */
export const NotificationRequested = defineCommand(
  'notification.requested',
  z.object({
    recipient: z.string(),
    subject: z.string(),
    body: z.string(),
    /** The event that caused it, e.g. `order.shipped`. */
    cause: z.string(),
    orderId: z.uuid().optional(),
  }),
);

export type NotificationChannel = 'email' | 'sms';
export type NotificationPriority = 'normal' | 'high';
