import path from 'node:path';
import { loadServiceConfig, type ServiceConfig } from '../../lib/config/service-config';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import { startServiceOnHarness, type ServiceOnHarness } from '../../testing/service-on-harness';
import { startServiceUnderTest, type ServiceUnderTest } from '../../testing/service-under-test';
import { OperatedServiceModule, workEndpoint } from './operated-service.module';

/** The outbox's own reference schema: the outbox and inbox tables every service migrates. */
const OUTBOX_MIGRATIONS = path.join(
  __dirname,
  '../../../../messaging/outbox/src/test/prisma/migrations',
);

const manifest = {
  name: 'operated',
  port: 3999,
  database: 'operated',
  databaseUrlVariable: 'OPERATED_DATABASE_URL',
  brokerUser: 'operated',
  queues: [workEndpoint.queue],
  events: ['operated'],
};
const loadConfig = (env: NodeJS.ProcessEnv) => loadServiceConfig(manifest, env);

/** The operated service on a messaging harness (no broker), a database of its own. */
export function startOperatedServiceOnHarness(
  harness: MessagingHarness,
  env: Record<string, string> = {},
): Promise<ServiceOnHarness<ServiceConfig>> {
  return startServiceOnHarness({
    harness,
    name: 'operated',
    migrations: OUTBOX_MIGRATIONS,
    databaseUrlVariable: manifest.databaseUrlVariable,
    loadConfig,
    module: (config, onHarness) => OperatedServiceModule.forRoot(config, onHarness),
    env,
  });
}

/** The operated service on the real broker and a database of its own, its relay quick. */
export function startOperatedService(
  relay: { maxAttempts?: number } = {},
  env: Record<string, string> = {},
): Promise<ServiceUnderTest<ServiceConfig>> {
  return startServiceUnderTest({
    name: 'operated',
    migrations: OUTBOX_MIGRATIONS,
    databaseUrlVariable: manifest.databaseUrlVariable,
    loadConfig,
    module: (config) =>
      OperatedServiceModule.forRoot(config, { relay: { pollIntervalMs: 50, ...relay } }),
    env,
  });
}
