import { Controller, Injectable, type INestApplication } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { defineEvent, MessageBus, silentLogger } from '@shopbus/messaging-core';
import { MessageHandler, MessagingModule, ShopbusServer } from '@shopbus/messaging-nestjs';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { BrokerAdmin, rabbitmqUrl, uniqueExchanges, uniqueName } from '@shopbus/testing';
import { z } from 'zod';
import { DatabaseUnavailableFilter } from '../lib/http/database-unavailable.filter';
import { DomainError } from '../lib/http/domain-error';
import { DomainErrorFilter } from '../lib/http/domain-error.filter';

const StockCounted = defineEvent('test.stock-counted', z.object({ sku: z.string() }));
const StockMoved = defineEvent('test.stock-moved', z.object({ sku: z.string() }));

function failFor(sku: string): never {
  if (sku === 'domain') throw new DomainError(`sku ${sku} is unknown`, 404);
  if (sku === 'database') throw Object.assign(new Error('the pool is dry'), { code: 'P2028' });
  throw new TypeError(`cannot count ${sku}`);
}

@Injectable()
class FailingCount {
  @MessageHandler(StockCounted)
  async count({ sku }: { sku: string }): Promise<void> {
    failFor(sku);
  }
}

/** The same, in the microservice style, behind the strategy that inherits the app's filters. */
@Controller()
class FailingMove {
  @EventPattern(StockMoved.type)
  async move(@Payload() { sku }: { sku: string }): Promise<void> {
    failFor(sku);
  }
}

describe('a service’s global HTTP filters and its message handlers', () => {
  const service = uniqueName('filters');
  const queueOf = (type: string) => `${service}.${type}`;
  const exchanges = uniqueExchanges();
  let app: INestApplication;
  let admin: BrokerAdmin;

  beforeAll(async () => {
    admin = await BrokerAdmin.connect();
    admin.track({
      exchanges: Object.values(exchanges),
      queues: [StockCounted, StockMoved].flatMap(({ type }) => [
        queueOf(type),
        `${queueOf(type)}.dlq`,
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
          recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [] },
          contracts: [StockCounted, StockMoved],
          logger: silentLogger,
        }),
      ],
      providers: [FailingCount],
      controllers: [FailingMove],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    // As configureService registers them: they apply to every handler Nest runs.
    app.useGlobalFilters(
      new DatabaseUnavailableFilter(app.getHttpAdapter()),
      new DomainErrorFilter(),
    );
    // As configureService connects it: the strategy inherits the application's filters.
    app.connectMicroservice({ strategy: app.get(ShopbusServer) }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
  });
  afterAll(async () => {
    await app.close();
    await admin.cleanUp();
  });

  it.each([
    [
      'a programming error',
      '@MessageHandler',
      StockCounted,
      'typo',
      'TypeError',
      'cannot count typo',
    ],
    [
      'a domain error',
      '@MessageHandler',
      StockCounted,
      'domain',
      'DomainError',
      'sku domain is unknown',
    ],
    ['a busy database', '@MessageHandler', StockCounted, 'database', 'Error', 'the pool is dry'],
    ['a programming error', '@EventPattern', StockMoved, 'typo', 'TypeError', 'cannot count typo'],
    [
      'a domain error',
      '@EventPattern',
      StockMoved,
      'domain',
      'DomainError',
      'sku domain is unknown',
    ],
    ['a busy database', '@EventPattern', StockMoved, 'database', 'Error', 'the pool is dry'],
  ])(
    '%s in a %s handler passes them untouched: dead-lettered with its own type and message',
    async (_, _style, contract, sku, type, message) => {
      await app.get(MessageBus).publish(contract, { sku });
      const [dead] = await admin.nextMessages(`${queueOf(contract.type)}.dlq`);
      expect(dead.properties.headers).toMatchObject({
        'fault-type': type,
        'fault-message': message,
      });
    },
  );
});
