import path from 'node:path';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import { startServiceOnHarness, type ServiceOnHarness } from '@shopbus/platform/testing';
import { NotificationModule } from '../app.module';
import { loadNotificationConfig, type NotificationConfig } from '../config';

/** The notification service on the harness: its real module, on a database of its own. */
export function startNotificationOnHarness(
  harness: MessagingHarness,
): Promise<ServiceOnHarness<NotificationConfig>> {
  return startServiceOnHarness({
    harness,
    name: 'notification',
    migrations: path.join(__dirname, '../../prisma/migrations'),
    databaseUrlVariable: 'NOTIFICATION_DATABASE_URL',
    loadConfig: loadNotificationConfig,
    module: (config, onHarness) => NotificationModule.forRoot(config, onHarness),
  });
}
