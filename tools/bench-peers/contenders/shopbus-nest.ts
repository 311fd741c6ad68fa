import {
  Controller,
  Injectable,
  Module,
  type DynamicModule,
  type INestApplicationContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { silentLogger } from '@shopbus/messaging-core';
import {
  MessageHandler,
  MessageErrorsFilter,
  MessagingModule,
  ShopbusServer,
} from '@shopbus/messaging-nestjs';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { PREFETCH, type BenchPayload } from '../contender';
import { BenchMessage, Shopbus } from './shopbus';

/** Where the handlers report a handled message; set before each consumer starts. */
let onHandled: (payload: BenchPayload) => void = () => undefined;

type Style = 'decorator' | 'strategy';

/** A handler of one style on the queue, declared once the queue's name is known. */
function benchModule(style: Style, queue: string, transport: RabbitMqTransport): DynamicModule {
  const endpoint = { queue, prefetch: PREFETCH };

  @Injectable()
  class DecoratorStyle {
    @MessageHandler(BenchMessage, endpoint)
    async handle(payload: BenchPayload): Promise<void> {
      onHandled(payload);
    }
  }

  @Controller()
  class PatternStyle {
    @EventPattern(BenchMessage.type, endpoint)
    async handle(@Payload() payload: BenchPayload): Promise<void> {
      onHandled(payload);
    }
  }

  @Module({})
  class BenchModule {}

  return {
    module: BenchModule,
    imports: [
      MessagingModule.forRoot({
        serviceName: 'bench',
        transport,
        contracts: [BenchMessage],
        recoverability: { redeliveryDelaysMs: [] },
        logger: silentLogger,
      }),
    ],
    providers: style === 'decorator' ? [DecoratorStyle] : [],
    controllers: style === 'strategy' ? [PatternStyle] : [],
  };
}

/**
 * The messaging library behind Nest: the same bus path as the `shopbus` row, with the handler
 * called through Nest's pipeline, either as a `@MessageHandler` provider method (Nest's external
 * context) or as an `@EventPattern` controller method behind the `ShopbusServer` strategy (Nest's
 * RPC context). Each consume boots the Nest application (its start is outside the timed window,
 * its CPU inside: ~1–3 µs a message at 20,000 messages).
 */
export class ShopbusNest extends Shopbus {
  override readonly name: string;
  override readonly guarantees = 'as shopbus, and Nest guards, interceptors, pipes and filters run';

  constructor(private readonly style: Style) {
    super();
    this.name =
      style === 'decorator'
        ? 'shopbus @MessageHandler (Nest pipeline)'
        : 'shopbus @EventPattern (Nest strategy)';
  }

  override async consume(handled: (payload: BenchPayload) => void): Promise<() => Promise<void>> {
    onHandled = handled;
    const transport = new RabbitMqTransport({
      url: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      connectionName: `bench-peers ${this.name}`,
      ...this.exchanges,
      logger: silentLogger,
    });
    const module = benchModule(this.style, this.queue, transport);
    let app: INestApplicationContext;
    if (this.style === 'decorator') {
      app = await NestFactory.createApplicationContext(module, {
        logger: false,
        abortOnError: false,
      });
      await app.init();
    } else {
      const hybrid = await NestFactory.create(module, { logger: false, abortOnError: false });
      const microservice = hybrid.connectMicroservice(
        { strategy: hybrid.get(ShopbusServer) },
        { deferInitialization: true },
      );
      microservice.useGlobalFilters(new MessageErrorsFilter());
      await microservice.listen();
      app = hybrid;
    }
    return () => app.close();
  }
}
