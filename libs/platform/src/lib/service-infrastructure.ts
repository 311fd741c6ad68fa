import { startServiceMetrics } from './metrics/service-metrics';
import { ServiceMetricsModule } from './metrics/service-metrics.module';
import { startServiceTracing } from './tracing/service-tracing';
import { ServiceTracingModule } from './tracing/service-tracing.module';
import type { DynamicModule } from '@nestjs/common';
import type { Clock, OutgoingMessage } from '@shopbus/messaging-core';
import type { SqlQuerier, TransactionRunner } from '@shopbus/messaging-outbox';
import { AsyncApiModule } from './asyncapi/asyncapi.module';
import { brokerHostOf } from './asyncapi/documented-service';
import type { ServiceConfig } from './config/service-config';
import type { DatabasePing } from './health/health.controller';
import { ServiceHealthModule } from './health/service-health.module';
import { serviceLogger } from './logging/service-logger.module';
import { shopMessaging, type ShopMessagingOptions } from './messaging/shop-messaging';
import { ShopOutboxModule, type ShopOutboxOptions } from './outbox/shop-outbox.module';
import { OperatorsModule } from './operators/operators.module';

/**
 * What the tests change in a service: faster redelivery and polling, or (the harness) another
 * transport and a virtual clock.
 */
export interface ServiceTuning {
  messaging?: ShopMessagingOptions;
  relay?: ShopOutboxOptions['relay'];
  /**
   * The time scheduled messages fall due by, for the bus and the relay alike. Default the system
   * clock (and the database's time for the relay).
   */
  clock?: Clock;
}

/** What the platform needs of a service's database. */
export interface ServiceDatabase {
  /** Answers when the database does: the health check's ping. */
  ping: DatabasePing;
  /**
   * Opens the transactions that idempotent endpoints' handlers write in, with their inbox
   * record (`transactionOf(context)` in a handler is one of these).
   */
  transactions: TransactionRunner<SqlQuerier>;
}

/** What a service brings to the platform besides its configuration. */
export interface ServiceParts {
  database: ServiceDatabase;
  /**
   * Every message type the service publishes, sends or requests (its `<service>.endpoints.ts`):
   * the bus refuses any other, and the AsyncAPI document lists these.
   */
  outgoing: readonly OutgoingMessage[];
}

/**
 * The modules every service imports, in one place: JSON logs, messaging on the shop's
 * exchanges (idempotent endpoints recording in the service's database, outgoing types held to
 * the declared list), the outbox with its relay on the service's database, `/health`, metrics
 * (`/metrics`), and the AsyncAPI document of its messages.
 */
export function serviceInfrastructure(
  config: ServiceConfig,
  { database, outgoing }: ServiceParts,
  tuning: ServiceTuning = {},
): DynamicModule[] {
  const tracing = config.tracing && startServiceTracing(config.serviceName, config.tracing);
  const metrics = startServiceMetrics(config.serviceName);
  return [
    serviceLogger(config),
    ServiceTracingModule.forRoot(tracing),
    ServiceMetricsModule.forRoot(metrics),
    OperatorsModule.forRoot(config.operatorAccess),
    shopMessaging(
      config,
      { transactions: database.transactions, outgoing },
      {
        ...tuning.messaging,
        clock: tuning.clock,
        tracing: tracing?.messaging,
        metrics: metrics.messaging,
      },
    ),
    ShopOutboxModule.forRoot({
      databaseUrl: config.databaseUrl,
      serviceName: config.serviceName,
      // The administrator's provisioning run publishes nothing (see bootstrapService).
      startRelay: config.brokerTopology !== 'declare-only',
      relay: {
        pollIntervalMs: config.outboxPollIntervalMs,
        clock: tuning.clock,
        tracing: tracing?.messaging,
        metrics: metrics.messaging,
        ...tuning.relay,
      },
    }),
    AsyncApiModule.forRoot({
      name: config.serviceName,
      brokerHost: brokerHostOf(config.rabbitmqUrls[0]),
    }),
    ServiceHealthModule.forRoot(database.ping, { outboxStallAfterMs: config.outboxStallAfterMs }),
  ];
}
