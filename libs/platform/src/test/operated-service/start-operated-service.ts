import path from 'node:path';
import { loadServiceConfig, type ServiceConfig } from '../../lib/config/service-config';
import { startServiceUnderTest, type ServiceUnderTest } from '../../testing/service-under-test';
import { OperatedServiceModule, workEndpoint } from './operated-service.module';

/** The outbox's own reference schema: the outbox and inbox tables every service migrates. */
const OUTBOX_MIGRATIONS = path.join(
  __dirname,
  '../../../../messaging/outbox/src/test/prisma/migrations',
);

/** The operated service on the real broker and a database of its own, its relay quick. */
export function startOperatedService(
  relay: { maxAttempts?: number } = {},
  env: Record<string, string> = {},
): Promise<ServiceUnderTest<ServiceConfig>> {
  return startServiceUnderTest({
    name: 'operated',
    migrations: OUTBOX_MIGRATIONS,
    databaseUrlVariable: 'OPERATED_DATABASE_URL',
    loadConfig: (env) =>
      loadServiceConfig(
        {
          name: 'operated',
          port: 3999,
          database: 'operated',
          databaseUrlVariable: 'OPERATED_DATABASE_URL',
          brokerUser: 'operated',
          queues: [workEndpoint.queue],
        },
        env,
      ),
    module: (config) =>
      OperatedServiceModule.forRoot(config, { relay: { pollIntervalMs: 50, ...relay } }),
    env,
  });
}
