import { shopContracts, shopExchanges } from '@shopbus/contracts';
import type { RecoverabilityPolicy } from '@shopbus/messaging-core';
import { MessagingModule, nestMessagingLogger } from '@shopbus/messaging-nestjs';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import type { ServiceConfig } from '../config/service-config';
import { shopTopology } from './shop-topology';

export interface ShopMessagingOptions {
  /** Overrides of the recoverability policy (tests shorten the redelivery delays). */
  recoverability?: Partial<RecoverabilityPolicy>;
}

/**
 * The service's MessagingModule: a RabbitMQ transport on the shop's exchanges (named from the
 * configured prefix), the shop topology, and fault events on, so that sagas hear of dead letters.
 */
export function shopMessaging(config: ServiceConfig, options: ShopMessagingOptions = {}) {
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
      logger: nestMessagingLogger(`${config.serviceName} transport`),
    }),
    recoverability: {
      publishFaultEvents: true,
      ...(config.redeliveryDelaysMs && { redeliveryDelaysMs: config.redeliveryDelaysMs }),
      ...options.recoverability,
    },
    contracts: shopContracts,
    // Handlers bind with { exchange: 'events' | 'audit' | 'notifications' | … }.
    exchangeNames: { ...exchanges },
    declaredQueues: config.manifest.queues,
    isGlobal: true,
  });
}
