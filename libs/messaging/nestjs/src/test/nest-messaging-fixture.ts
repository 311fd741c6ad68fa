import type { INestMicroservice, Provider, Type } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  MessageBus,
  silentLogger,
  type AnyContract,
  type RecoverabilityPolicy,
} from '@shopbus/messaging-core';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { BrokerAdmin, rabbitmqUrl, uniqueExchanges, uniqueName } from '@shopbus/testing';
import { MessageErrorsFilter } from '../lib/microservice/message-errors.filter';
import { ShopbusClientProxy } from '../lib/microservice/shopbus-client-proxy';
import { ShopbusServer } from '../lib/microservice/shopbus-server';
import { MessagingModule } from '../lib/messaging.module';

/** The Nest client the fixture registers, as an application would. */
export const SHOP_CLIENT = 'SHOP_CLIENT';

export interface NestMessagingFixture {
  app: INestMicroservice;
  bus: MessageBus;
  admin: BrokerAdmin;
  service: string;
  /** The endpoint queue of a type handled with the default queue name. */
  queueOf(type: string): string;
  close(): Promise<void>;
}

export interface NestMessagingSetup {
  controllers?: Type[];
  providers?: Provider[];
  contracts?: readonly AnyContract[];
  recoverability?: Partial<RecoverabilityPolicy>;
  /** The types handled, so their queues (and retry and dead-letter queues) are cleaned up. */
  handledTypes: readonly string[];
  /** Register MessageErrorsFilter on the microservice, as the docs advise. Default true. */
  keepErrors?: boolean;
}

/**
 * A Nest microservice on the shopbus strategy with MessagingModule and a ShopbusClientProxy, on
 * exchanges and queues named for this run only; `close` deletes them.
 */
export async function startNestMessaging(setup: NestMessagingSetup): Promise<NestMessagingFixture> {
  const admin = await BrokerAdmin.connect();
  const service = uniqueName('nest');
  const exchanges = uniqueExchanges();
  const delays = setup.recoverability?.redeliveryDelaysMs ?? [1000, 10000, 60000];
  const queueOf = (type: string) => `${service}.${type}`;
  admin.track({
    exchanges: Object.values(exchanges),
    queues: setup.handledTypes.flatMap((type) => [
      queueOf(type),
      `${queueOf(type)}.dlq`,
      ...delays.map((delay) => `${queueOf(type)}.retry.${delay}ms`),
    ]),
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      MessagingModule.forRoot({
        serviceName: service,
        transport: new RabbitMqTransport({
          url: rabbitmqUrl(),
          ...exchanges,
          logger: silentLogger,
        }),
        contracts: setup.contracts,
        recoverability: setup.recoverability,
        logger: silentLogger,
      }),
      ClientsModule.registerAsync([
        {
          name: SHOP_CLIENT,
          inject: [MessageBus],
          useFactory: (bus: MessageBus) => ({
            customClass: ShopbusClientProxy,
            options: { bus, contracts: setup.contracts, requestTimeoutMs: 1000 },
          }),
        },
      ]),
    ],
    controllers: setup.controllers,
    providers: setup.providers,
  })
    .setLogger(silentNestLogger)
    .compile();
  const app = moduleRef.createNestMicroservice({ strategy: moduleRef.get(ShopbusServer) });
  if (setup.keepErrors ?? true) app.useGlobalFilters(new MessageErrorsFilter());
  await app.listen();
  return {
    app,
    bus: app.get(MessageBus),
    admin,
    service,
    queueOf,
    async close() {
      await app.close();
      await admin.cleanUp();
    },
  };
}

/** Nest's own log lines (a handler's error, the microservice starting) are not the test's output. */
const silentNestLogger = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

/** A delivery's headers, none as {}. */
export const headersOf = (message: { properties: { headers?: Record<string, unknown> } }) =>
  message.properties.headers ?? {};
