import { connect, type ChannelModel } from 'amqplib';
import { z } from 'zod';
import {
  defineCommand,
  handlerFor,
  MessageBus,
  silentLogger,
  type ConsumerHandle,
} from '@shopbus/messaging-core';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { PREFETCH, type BenchPayload, type Contender } from '../contender';

export const BenchMessage = defineCommand(
  'bench.message',
  z.object({ n: z.number(), sentAt: z.number(), orderId: z.string(), note: z.string() }),
);

/**
 * The messaging library as the services use it: a MessageBus over the RabbitMQ transport, the
 * payload validated against its contract on both sides, the envelope's ids, correlation and
 * headers written and read, the recoverability pipeline around the handler. `@MessageHandler`
 * methods resolve to the same `bus.subscribe`.
 */
export class Shopbus implements Contender {
  readonly name: string = 'shopbus';
  readonly guarantees: string =
    'confirms, mandatory (unroutable is an error), ack after handler, schema validation, retries then DLQ with the reason';
  private transport!: RabbitMqTransport;
  private bus!: MessageBus;
  private admin!: ChannelModel;
  protected queue = '';
  protected readonly exchanges = {
    eventsExchange: `bench-peers.${process.pid}.events`,
    commandsExchange: `bench-peers.${process.pid}.commands`,
    deadLetterExchange: `bench-peers.${process.pid}.dead-letter`,
  };

  async start(queue: string): Promise<void> {
    this.queue = queue;
    const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
    this.transport = new RabbitMqTransport({
      url,
      connectionName: 'bench-peers shopbus',
      ...this.exchanges,
      logger: silentLogger,
    });
    await this.transport.start();
    this.bus = new MessageBus(this.transport, {
      source: 'bench',
      recoverability: { redeliveryDelaysMs: [] },
      logger: silentLogger,
    });
    this.admin = await connect(url);
    // Subscribing declares the endpoint (its queue and dead-letter queue) as a service would.
    await (await this.subscribe(() => undefined)).stop();
  }

  async publish(payload: BenchPayload): Promise<void> {
    await this.bus.send(BenchMessage, payload, { queue: this.queue });
  }

  async consume(handled: (payload: BenchPayload) => void): Promise<() => Promise<void>> {
    const consumer = await this.subscribe(handled);
    return () => consumer.stop();
  }

  private subscribe(handled: (payload: BenchPayload) => void): Promise<ConsumerHandle> {
    return this.bus.subscribe({
      queue: this.queue,
      prefetch: PREFETCH,
      handlers: [handlerFor(BenchMessage, async (payload) => handled(payload))],
    });
  }

  async purge(): Promise<void> {
    const channel = await this.admin.createChannel();
    await channel.purgeQueue(this.queue);
    await channel.close();
  }

  async close(): Promise<void> {
    await this.transport.close();
    const channel = await this.admin.createChannel();
    await channel.deleteQueue(this.queue);
    await channel.deleteQueue(`${this.queue}.dlq`);
    for (const exchange of Object.values(this.exchanges)) await channel.deleteExchange(exchange);
    await this.admin.close();
  }
}
