import { shopContracts, shopExchanges } from '@shopbus/contracts';
import type { OutgoingMessage, RecoverabilityPolicy } from '@shopbus/messaging-core';
import { MessagingModule, nestMessagingLogger } from '@shopbus/messaging-nestjs';
import {
  InboxIdempotency,
  type SqlExecutor,
  type TransactionRunner,
} from '@shopbus/messaging-outbox';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import type { ServiceConfig } from '../config/service-config';
import { shopTopology } from './shop-topology';

export interface ShopMessagingOptions {
  /** Overrides of the recoverability policy (tests shorten the redelivery delays). */
  recoverability?: Partial<RecoverabilityPolicy>;
}

/**
 * The service's MessagingModule: a RabbitMQ transport on the shop's exchanges (named from the
 * configured prefix; code names them logically: 'events', 'notifications', …), the shop
 * topology, idempotent endpoints recording in the service's database, and fault events on, so
 * that sagas hear of dead letters.
 */
export function shopMessaging(
  config: ServiceConfig,
  {
    transactions,
    outgoing,
  }: { transactions: TransactionRunner<SqlExecutor>; outgoing: readonly OutgoingMessage[] },
  options: ShopMessagingOptions = {},
) {
  const exchanges = shopExchanges(config.exchangePrefix);
  return MessagingModule.forRoot({
    serviceName: config.serviceName,
    transport: new RabbitMqTransport({
      url: config.rabbitmqUrl,
      connectionName: config.serviceName,
      eventsExchange: exchanges.events,
      commandsExchange: exchanges.commands,
      deadLetterExchange: exchanges.deadLetter,
      topology: shopTopology(exchanges),
      // Handlers and outbox rows name exchanges logically: { exchange: 'notifications' }.
      exchangeNames: { ...exchanges },
      logger: nestMessagingLogger(`${config.serviceName} transport`),
    }),
    recoverability: {
      publishFaultEvents: true,
      ...(config.redeliveryDelaysMs && { redeliveryDelaysMs: config.redeliveryDelaysMs }),
      ...options.recoverability,
    },
    contracts: shopContracts,
    idempotency: new InboxIdempotency(transactions),
    outgoing,
    declaredQueues: config.manifest.queues,
    isGlobal: true,
  });
}
