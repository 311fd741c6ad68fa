import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { defineEvent, silentLogger } from '@shopbus/messaging-core';
import { MessageBus } from '@shopbus/messaging-core';
import { MessageHandler, MessagingModule } from '@shopbus/messaging-nestjs';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { BrokerAdmin, rabbitmqUrl, uniqueName } from '@shopbus/testing';
import { z } from 'zod';
import { DatabaseUnavailableFilter } from '../lib/http/database-unavailable.filter';
import { DomainError } from '../lib/http/domain-error';
import { DomainErrorFilter } from '../lib/http/domain-error.filter';

const StockCounted = defineEvent('test.stock-counted', z.object({ sku: z.string() }));

@Injectable()
class FailingCount {
  @MessageHandler(StockCounted)
  async count({ sku }: { sku: string }): Promise<void> {
    if (sku === 'domain') throw new DomainError(`sku ${sku} is unknown`, 404);
    if (sku === 'database') throw Object.assign(new Error('the pool is dry'), { code: 'P2028' });
    throw new TypeError(`cannot count ${sku}`);
  }
}

describe('a service’s global HTTP filters and its message handlers', () => {
  const service = uniqueName('filters');
  const queue = `${service}.${StockCounted.type}`;
  const exchanges = {
    eventsExchange: uniqueName('events'),
    commandsExchange: uniqueName('commands'),
    deadLetterExchange: uniqueName('dead-letter'),
  };
  let app: INestApplication;
  let admin: BrokerAdmin;

  beforeAll(async () => {
    admin = await BrokerAdmin.connect();
    admin.track({ exchanges: Object.values(exchanges), queues: [queue, `${queue}.dlq`] });
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
          logger: silentLogger,
        }),
      ],
      providers: [FailingCount],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    // As configureService registers them: they apply to every handler Nest runs.
    app.useGlobalFilters(
      new DatabaseUnavailableFilter(app.getHttpAdapter()),
      new DomainErrorFilter(),
    );
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await admin.cleanUp();
  });

  it.each([
    ['a programming error', 'typo', 'TypeError', 'cannot count typo'],
    ['a domain error', 'domain', 'DomainError', 'sku domain is unknown'],
    ['a busy database', 'database', 'Error', 'the pool is dry'],
  ])(
    '%s in a handler passes them untouched: dead-lettered with its own type and message',
    async (_, sku, type, message) => {
      await app.get(MessageBus).publish(StockCounted, { sku });
      const [dead] = await admin.nextMessages(`${queue}.dlq`);
      expect(dead.properties.headers).toMatchObject({
        'fault-type': type,
        'fault-message': message,
      });
    },
  );
});
