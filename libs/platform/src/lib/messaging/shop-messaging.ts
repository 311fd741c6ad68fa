import { shopContracts, shopExchanges } from '@shopbus/contracts';
import {
  EncryptingTransport,
  personalDataTypes,
  sendersOf,
  verifiedPublishers,
  type Clock,
  type OutgoingMessage,
  type MessageMetrics,
  type MessageTracing,
  type RecoverabilityPolicy,
  type Transport,
} from '@shopbus/messaging-core';
import { MessagingModule, nestMessagingLogger } from '@shopbus/messaging-nestjs';
import {
  InboxIdempotency,
  type SqlQuerier,
  type TransactionRunner,
} from '@shopbus/messaging-outbox';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import type { ServiceConfig } from '../config/service-config';
import { shopTopology } from './shop-topology';

export interface ShopMessagingOptions {
  /** Overrides of the recoverability policy (tests shorten the redelivery delays). */
  recoverability?: Partial<RecoverabilityPolicy>;
  /**
   * Another transport on the shop's exchanges, given their names and the shop topology (the
   * harness's in-memory transport). Default: RabbitMQ at the configured URL.
   */
  transport?: (shop: ShopTransportSettings) => Transport;
  /** The time scheduled messages fall due by. Default the system clock. */
  clock?: Clock;
  /** Spans for what the bus sends and handles (the service's tracing). Default none. */
  tracing?: MessageTracing;
  /** Counts and durations of what the bus sends and handles (the service's metrics). */
  metrics?: MessageMetrics;
}

/** What any transport of the shop is built with: its exchanges, their logical names, the topology. */
export interface ShopTransportSettings {
  eventsExchange: string;
  commandsExchange: string;
  deadLetterExchange: string;
  topology: ReturnType<typeof shopTopology>;
  exchangeNames: Record<string, string>;
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
  }: { transactions: TransactionRunner<SqlQuerier>; outgoing: readonly OutgoingMessage[] },
  options: ShopMessagingOptions = {},
) {
  const exchanges = shopExchanges(config.exchangePrefix);
  const shop: ShopTransportSettings = {
    eventsExchange: exchanges.events,
    commandsExchange: exchanges.commands,
    deadLetterExchange: exchanges.deadLetter,
    topology: shopTopology(exchanges),
    // Handlers and outbox rows name exchanges logically: { exchange: 'notifications' }.
    exchangeNames: { ...exchanges },
  };
  const transport =
    options.transport?.(shop) ??
    new RabbitMqTransport({
      url: config.rabbitmqUrls,
      addressOrder: config.rabbitmqAddressOrder,
      tls: config.rabbitmqTls,
      connectionName: config.serviceName,
      topologyMode: config.brokerTopology,
      queueKind: config.queueKind,
      ...shop,
      // Operators' replays keep the first publisher (see verifyPublishers).
      trustedRelays: config.trustedPublishers,
      logger: nestMessagingLogger(`${config.serviceName} transport`),
    });
  return MessagingModule.forRoot({
    serviceName: config.serviceName,
    // With a key ring, the shop's personal-data messages travel encrypted (contracts say which).
    transport: config.messageKeyRing
      ? new EncryptingTransport(transport, {
          keyRing: config.messageKeyRing,
          encrypts: personalDataTypes(shopContracts),
        })
      : transport,
    clock: options.clock,
    tracing: options.tracing,
    metrics: options.metrics,
    // Where each service has its own broker user: a message's source must be its publisher,
    // and one the message's contract allows to send it.
    middleware: config.verifyPublishers
      ? [
          verifiedPublishers({
            trusted: config.trustedPublishers,
            senders: sendersOf(shopContracts),
          }),
        ]
      : [],
    recoverability: {
      publishFaultEvents: true,
      ...(config.redeliveryDelaysMs && { redeliveryDelaysMs: config.redeliveryDelaysMs }),
      ...options.recoverability,
    },
    contracts: shopContracts,
    idempotency: new InboxIdempotency(transactions, { groupCommit: config.inboxGroupCommit }),
    outgoing,
    declaredQueues: config.manifest.queues,
    isGlobal: true,
  });
}
