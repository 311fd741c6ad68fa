import type { DynamicModule } from '@nestjs/common';
import type { SqlExecutor, TransactionRunner } from '@shopbus/messaging-outbox';
import type { ServiceConfig } from './config/service-config';
import type { DatabasePing } from './health/health.controller';
import { ServiceHealthModule } from './health/service-health.module';
import { serviceLogger } from './logging/service-logger.module';
import { shopMessaging, type ShopMessagingOptions } from './messaging/shop-messaging';
import { ShopOutboxModule, type ShopOutboxOptions } from './outbox/shop-outbox.module';

/** What the tests change in a service: faster redelivery and polling. */
export interface ServiceTuning {
  messaging?: ShopMessagingOptions;
  relay?: ShopOutboxOptions['relay'];
}

/** What the platform needs of a service's database. */
export interface ServiceDatabase {
  /** Answers when the database does: the health check's ping. */
  ping: DatabasePing;
  /**
   * Opens the transactions that idempotent endpoints' handlers write in, with their inbox
   * record (`transactionOf(context)` in a handler is one of these).
   */
  transactions: TransactionRunner<SqlExecutor>;
}

/**
 * The modules every service imports, in one place: JSON logs, messaging on the shop's
 * exchanges (idempotent endpoints recording in the service's database), the outbox with its
 * relay on the service's database, and `/health`.
 */
export function serviceInfrastructure(
  config: ServiceConfig,
  database: ServiceDatabase,
  tuning: ServiceTuning = {},
): DynamicModule[] {
  return [
    serviceLogger(config),
    shopMessaging(config, database.transactions, tuning.messaging),
    ShopOutboxModule.forRoot({
      databaseUrl: config.databaseUrl,
      serviceName: config.serviceName,
      relay: { pollIntervalMs: config.outboxPollIntervalMs, ...tuning.relay },
    }),
    ServiceHealthModule.forRoot(database.ping, { outboxStallAfterMs: config.outboxStallAfterMs }),
  ];
}
