import type { DynamicModule } from '@nestjs/common';
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

/**
 * The modules every service imports, in one place: JSON logs, messaging on the shop's
 * exchanges, the outbox with its relay on the service's database, and `/health`.
 */
export function serviceInfrastructure(
  config: ServiceConfig,
  pingDatabase: DatabasePing,
  tuning: ServiceTuning = {},
): DynamicModule[] {
  return [
    serviceLogger(config),
    shopMessaging(config, tuning.messaging),
    ShopOutboxModule.forRoot({
      databaseUrl: config.databaseUrl,
      serviceName: config.serviceName,
      relay: { pollIntervalMs: config.outboxPollIntervalMs, ...tuning.relay },
    }),
    ServiceHealthModule.forRoot(pingDatabase, { outboxStallAfterMs: config.outboxStallAfterMs }),
  ];
}
