import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  defineEvent,
  defineQuery,
  MessageBus,
  silentLogger,
  type MessageContext,
  type PayloadOf,
} from '@shopbus/messaging-core';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { BrokerAdmin, Countdown, deferred, rabbitmqUrl, uniqueName } from '@shopbus/testing';
import { z } from 'zod';
import { FallbackMessageHandler, MessageHandler } from '../lib/message-handler.decorator';
import { MessagingModule } from '../lib/messaging.module';

const EVENTS_EXCHANGE = uniqueName('events');
const GreetingSent = defineEvent('test.greeting-sent', z.object({ to: z.string() }));
const WhatTime = defineQuery(
  'test.what-time',
  z.object({ zone: z.string() }),
  z.object({ time: z.string() }),
);

const received = deferred<{ to: string; context: MessageContext }>();
const audited = new Countdown<{ payload: unknown; type: string }>();
const auditQueue = uniqueName('audit');

@Injectable()
class RecordGreetingWhenGreetingSent {
  @MessageHandler(GreetingSent)
  async handle(event: PayloadOf<typeof GreetingSent>, context: MessageContext): Promise<void> {
    received.resolve({ to: event.to, context });
  }
}

@Injectable()
class AnswerWhatTime {
  constructor(private readonly bus: MessageBus) {}

  @MessageHandler(WhatTime, { prefetch: 2 })
  async handle({ zone }: PayloadOf<typeof WhatTime>): Promise<{ time: string }> {
    return { time: `noon in ${zone} (asked of ${this.bus.source})` };
  }
}

@Injectable()
class AuditEveryTestEvent {
  @FallbackMessageHandler({
    queue: auditQueue,
    bindings: [{ exchange: EVENTS_EXCHANGE, pattern: 'test.#' }],
  })
  async record(payload: unknown, { envelope }: MessageContext): Promise<void> {
    audited.record({ payload, type: envelope.messageType });
  }
}

describe('MessagingModule', () => {
  const service = uniqueName('greeter');
  const exchanges = {
    eventsExchange: EVENTS_EXCHANGE,
    commandsExchange: uniqueName('commands'),
    deadLetterExchange: uniqueName('dead-letter'),
  };
  // Each endpoint queue comes with its dead-letter queue and one retry queue per default delay.
  const endpointQueues = (queue: string) => [
    queue,
    `${queue}.dlq`,
    ...[1000, 10000, 60000].map((delay) => `${queue}.retry.${delay}ms`),
  ];
  let app: INestApplicationContext;
  let admin: BrokerAdmin;

  beforeAll(async () => {
    admin = await BrokerAdmin.connect();
    admin.track({
      exchanges: Object.values(exchanges),
      queues: [
        ...endpointQueues(`${service}.${GreetingSent.type}`),
        ...endpointQueues(`${service}.${WhatTime.type}`),
        ...endpointQueues(auditQueue),
      ],
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRootAsync({
          useFactory: () => ({
            serviceName: service,
            transport: new RabbitMqTransport({
              url: rabbitmqUrl(),
              ...exchanges,
              logger: silentLogger,
            }),
          }),
        }),
      ],
      providers: [RecordGreetingWhenGreetingSent, AnswerWhatTime, AuditEveryTestEvent],
    }).compile();
    app = await moduleRef.init();
  });

  afterAll(async () => {
    await app.close();
    await admin.cleanUp();
  });

  it('discovers a decorated method and delivers the events it subscribes to', async () => {
    const bus = app.get(MessageBus);
    const sent = await bus.publish(GreetingSent, { to: 'Ada' });
    const { to, context } = await received.promise;
    expect(to).toBe('Ada');
    expect(context.envelope.messageId).toBe(sent.messageId);
    expect(context.endpoint).toBe(`${service}.test.greeting-sent`);
  });

  it('hands what a fallback handler’s pattern binding brings, decoded, to the fallback', async () => {
    await app.get(MessageBus).publish(GreetingSent, { to: 'Grace' });
    // The first test's greeting came this way too.
    expect(await audited.reach(2)).toContainEqual({
      payload: { to: 'Grace' },
      type: 'test.greeting-sent',
    });
  });

  it('answers a query with what the decorated method returns', async () => {
    const answer = await app.get(MessageBus).request(WhatTime, { zone: 'UTC' });
    expect(answer).toEqual({ time: `noon in UTC (asked of ${service})` });
  });

  it('declares one queue per handled message type, named after the service', async () => {
    expect(await admin.messageCount(`${service}.test.greeting-sent`)).toBe(0);
    expect(await admin.messageCount(`${service}.test.what-time`)).toBe(0);
  });

  it('refuses to start when its handlers consume other queues than the service declares', async () => {
    const transport = new RabbitMqTransport({
      url: rabbitmqUrl(),
      ...exchanges,
      logger: silentLogger,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          serviceName: service,
          transport,
          declaredQueues: [`${service}.test.what-time`, `${service}.forgotten`],
        }),
      ],
      providers: [AnswerWhatTime, AuditEveryTestEvent],
    }).compile();
    try {
      await expect(moduleRef.init()).rejects.toThrow(
        `not declared: ${auditQueue}; declared but without a handler: ${service}.forgotten`,
      );
    } finally {
      // Nest's close() awaits the failed initialisation again, so the transport is closed here.
      await transport.close();
    }
  });
});
