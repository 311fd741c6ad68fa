import { Controller, Logger, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientRMQ,
  Ctx,
  EventPattern,
  Payload,
  RmqContext,
  Transport,
  type RmqOptions,
} from '@nestjs/microservices';
import { connect, type ChannelModel } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { PREFETCH, type BenchPayload, type Contender } from '../contender';

/** Where the controller reports a handled message; set before the microservice starts. */
let onHandled: (payload: BenchPayload) => void = () => undefined;

@Controller()
class BenchController {
  @EventPattern('bench.message')
  handle(@Payload() payload: BenchPayload, @Ctx() context: RmqContext): void {
    onHandled(payload);
    // noAck: false leaves acknowledging to the handler: after its work, as the others do.
    context.getChannelRef().ack(context.getMessage());
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

/**
 * NestJS's own RMQ transport (@nestjs/microservices): `ClientRMQ.emit` to publish, an
 * `@EventPattern` handler in a microservice to consume, set up for the same guarantees as the
 * others where it allows (persistent, noAck false with the ack after the work, prefetch 100).
 */
export class NestRmq implements Contender {
  readonly name = '@nestjs/microservices 11.2.6 RMQ';
  readonly guarantees =
    'confirms (no mandatory), ack only if the handler does it (defaults: noAck, not persistent); a message with no handler is dropped; no retries, no DLQ';
  private client!: ClientRMQ;
  private admin!: ChannelModel;
  private queue = '';
  private url = '';

  /** The client's options; the server adds noAck and the prefetch (the client's reply consumer must not). */
  private options(): NonNullable<RmqOptions['options']> {
    return {
      urls: [this.url],
      queue: this.queue,
      queueOptions: { durable: true },
      persistent: true,
    };
  }

  async start(queue: string): Promise<void> {
    this.queue = queue;
    this.url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
    this.admin = await connect(this.url);
    const channel = await this.admin.createChannel();
    await channel.assertQueue(queue, { durable: true });
    await channel.close();
    // Nest logs every connection at the info level: the benchmark's output keeps warnings and errors.
    Logger.overrideLogger(['error', 'warn']);
    this.client = new ClientRMQ(this.options());
    await this.client.connect();
  }

  async publish(payload: BenchPayload): Promise<void> {
    await lastValueFrom(this.client.emit('bench.message', payload), { defaultValue: undefined });
  }

  async consume(handled: (payload: BenchPayload) => void): Promise<() => Promise<void>> {
    onHandled = handled;
    const server: INestMicroservice = await NestFactory.createMicroservice(BenchModule, {
      transport: Transport.RMQ,
      options: { ...this.options(), noAck: false, prefetchCount: PREFETCH },
      logger: false,
    });
    await server.listen();
    return () => server.close();
  }

  async purge(): Promise<void> {
    const channel = await this.admin.createChannel();
    await channel.purgeQueue(this.queue);
    await channel.close();
  }

  async close(): Promise<void> {
    await this.client.close();
    const channel = await this.admin.createChannel();
    await channel.deleteQueue(this.queue);
    await this.admin.close();
  }
}
