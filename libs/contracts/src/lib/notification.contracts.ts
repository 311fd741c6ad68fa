import { defineCommand } from '@shopbus/messaging-core';
import { z } from 'zod';

/**
 * Deliver a notification: a command, sent to the notifications (headers) exchange with headers
 * `channel` (email | sms) and `priority` (normal | high); the channel queues bind with x-match.
 */
export const DeliverNotification = defineCommand(
  'notification.deliver',
  z.object({
    recipient: z.string(),
    subject: z.string(),
    body: z.string(),
    /** The event that caused it, e.g. `order.shipped`. */
    cause: z.string(),
    orderId: z.uuid().optional(),
  }),
  { personalData: true, senders: ['notification'] },
);

export type NotificationChannel = 'email' | 'sms';
export type NotificationPriority = 'normal' | 'high';
