import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { PREFETCH, type BenchPayload, type Contender } from '../contender';

/**
 * @golevelup/nestjs-rabbitmq through its AmqpConnection, which its `@RabbitSubscribe` decorator
 * resolves to: the per-message path is the same without the Nest discovery at start-up.
 */
export class Golevelup implements Contender {
  readonly name = '@golevelup/nestjs-rabbitmq 9.0.2';
  readonly guarantees =
    'confirms (no mandatory: unroutable is lost), ack after handler; a failing message is requeued forever by default, no DLQ';
  private connection!: AmqpConnection;
  private queue = '';

  async start(queue: string): Promise<void> {
    this.queue = queue;
    this.connection = new AmqpConnection({
      uri: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      prefetchCount: PREFETCH,
      connectionInitOptions: { wait: true },
      logger: {
        log: () => undefined,
        error: () => undefined,
        warn: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
    });
    await this.connection.init();
    await this.connection.channel.assertQueue(queue, { durable: true });
  }

  async publish(payload: BenchPayload): Promise<void> {
    await this.connection.publish('', this.queue, payload, { persistent: true });
  }

  async consume(handled: (payload: BenchPayload) => void): Promise<() => Promise<void>> {
    const { consumerTag } = await this.connection.createSubscriber<BenchPayload>(
      async (payload) => {
        if (payload) handled(payload);
      },
      { queue: this.queue, queueOptions: { durable: true } },
      'bench',
    );
    return async () => {
      await this.connection.cancelConsumer(consumerTag);
    };
  }

  async purge(): Promise<void> {
    await this.connection.channel.purgeQueue(this.queue);
  }

  async close(): Promise<void> {
    await this.connection.channel.deleteQueue(this.queue);
    await this.connection.managedConnection.close();
  }
}
