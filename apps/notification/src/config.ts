import { loadServiceConfig, type ServiceConfig } from '@shopbus/platform';

export type NotificationConfig = ServiceConfig;

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return loadServiceConfig(
    'notification',
    { port: 3004, database: 'shop_notification', databaseUrlVariable: 'NOTIFICATION_DATABASE_URL' },
    env,
  );
}
