import type { DynamicModule, INestApplication } from '@nestjs/common';
import { shopExchanges } from '@shopbus/contracts';
import { MessagingHarness } from '@shopbus/messaging-in-memory';
import { OutboxRelay } from '@shopbus/messaging-outbox';
import { TestDatabase } from '@shopbus/testing';
import type { ServiceConfig } from '../lib/config/service-config';
import { shopTopology } from '../lib/messaging/shop-topology';
import type { ServiceTuning } from '../lib/service-infrastructure';
import type { ServiceUnderTestOptions } from './service-under-test';
import { startTestServiceApp, testServiceEnvironment } from './test-service-app';

/** A harness on the shop's exchanges (the default prefix), to start services on. */
export function startShopHarness(): Promise<MessagingHarness> {
  const exchanges = shopExchanges();
  return MessagingHarness.start({
    eventsExchange: exchanges.events,
    commandsExchange: exchanges.commands,
    topology: shopTopology(exchanges),
    exchangeNames: { ...exchanges },
  });
}

export interface ServiceOnHarnessOptions<C extends ServiceConfig> extends Omit<
  ServiceUnderTestOptions<C>,
  'vhost' | 'module'
> {
  harness: MessagingHarness;
  /** The service's module, given what puts it on the harness: spread it into its tuning. */
  module: (config: C, onHarness: ServiceTuning) => DynamicModule;
}

export interface ServiceOnHarness<C extends ServiceConfig> {
  app: INestApplication;
  config: C;
  database: TestDatabase;
  /** For supertest: `request(service.http)`. */
  http: unknown;
  close(): Promise<void>;
}

/**
 * One service as in production (its module, HTTP pipes, handlers, outbox and relay, on a real
 * database of its own), but on the harness's in-memory broker and virtual clock instead of
 * RabbitMQ: its handlers and saga are tested without a broker, and `harness.advance` moves its
 * scheduled messages' time. `harness.whenQuiet()` also waits for its outbox: no row due by the
 * virtual clock left unpublished.
 */
export async function startServiceOnHarness<C extends ServiceConfig>(
  options: ServiceOnHarnessOptions<C>,
): Promise<ServiceOnHarness<C>> {
  const { harness } = options;
  const database =
    options.database ?? (await TestDatabase.create(options.name, options.migrations));
  const ownDatabase = options.database === undefined;
  let app: INestApplication;
  let config: C;
  try {
    config = options.loadConfig(
      testServiceEnvironment(options.databaseUrlVariable, database.url, options.env),
    );
    const onHarness: ServiceTuning = {
      clock: harness.clock,
      messaging: { transport: (shop) => harness.transport(shop) },
    };
    app = await startTestServiceApp(
      options.module(config, onHarness),
      options.name,
      'on the messaging harness',
    );
  } catch (error) {
    if (ownDatabase) await database.drop();
    throw error;
  }
  const relay = app.get(OutboxRelay);
  const stopProbing = harness.addProbe(async () => {
    const [row] = await database.query<{ n: string }>(
      'SELECT count(*) AS n FROM outbox_message WHERE pending AND next_attempt_at <= $1',
      [new Date(harness.clock.now())],
    );
    const idle = Number(row.n) === 0;
    if (!idle) relay.lookNow();
    return idle;
  });
  return {
    app,
    config,
    database,
    http: app.getHttpServer(),
    async close() {
      stopProbing();
      await app.close();
      if (ownDatabase) await database.drop();
    },
  };
}
