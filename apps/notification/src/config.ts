import path from 'node:path';
import { readServiceManifest } from '@shopbus/service-manifest';
import { loadServiceConfig, type ServiceConfig } from '@shopbus/platform';

export type NotificationConfig = ServiceConfig;

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return loadServiceConfig(readServiceManifest(path.join(__dirname, '..')), env);
}
