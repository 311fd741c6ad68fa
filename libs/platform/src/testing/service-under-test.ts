import type { DynamicModule, INestApplication } from '@nestjs/common';
import { createTestVhost, TestDatabase, type TestVhost } from '@shopbus/testing';
import type { ServiceConfig } from '../lib/config/service-config';
import { startTestServiceApp, testServiceEnvironment } from './test-service-app';

export interface ServiceUnderTestOptions<C extends ServiceConfig> {
  /** Names the test database. */
  name: string;
  /** The service's Prisma migrations folder. */
  migrations: string;
  /** The variable the service reads its database URL from. */
  databaseUrlVariable: string;
  /** The service's own configuration loader, given the test environment. */
  loadConfig: (env: NodeJS.ProcessEnv) => C;
  module: (config: C) => DynamicModule;
  /** More environment (e.g. shorter delays). */
  env?: Record<string, string>;
  /** A virtual host shared with other services under test; default: one of its own. */
  vhost?: TestVhost;
  /** Another instance of a service already under test: its database, shared; default: a new one. */
  database?: TestDatabase;
}

export interface ServiceUnderTest<C extends ServiceConfig> {
  app: INestApplication;
  config: C;
  database: TestDatabase;
  vhost: TestVhost;
  /** For supertest: `request(service.http)`. */
  http: unknown;
  close(): Promise<void>;
}

/**
 * One service, running as in production (its module, HTTP pipes, messaging, relay), against a
 * database of its own migrated from its migrations and a RabbitMQ virtual host of its own (or
 * shared with the other services of an end-to-end test). `close` stops it and deletes both.
 */
export async function startServiceUnderTest<C extends ServiceConfig>(
  options: ServiceUnderTestOptions<C>,
): Promise<ServiceUnderTest<C>> {
  const ownDatabase = options.database === undefined;
  const database =
    options.database ?? (await TestDatabase.create(options.name, options.migrations));
  const ownVhost = options.vhost === undefined;
  const vhost = options.vhost ?? (await createTestVhost(options.name));
  const cleanUp = async () => {
    if (ownDatabase) await database.drop();
    if (ownVhost) await vhost.delete();
  };
  let app: INestApplication;
  let config: C;
  try {
    config = options.loadConfig(
      testServiceEnvironment(
        options.databaseUrlVariable,
        database.url,
        {
          RABBITMQ_URL: vhost.url,
        },
        options.env,
      ),
    );
    app = await startTestServiceApp(options.module(config), options.name, 'under test');
  } catch (error) {
    // Nothing of a service that failed to start may outlive the test.
    await cleanUp();
    throw error;
  }
  return {
    app,
    config,
    database,
    vhost,
    http: app.getHttpServer(),
    async close() {
      await app.close();
      await cleanUp();
    },
  };
}
