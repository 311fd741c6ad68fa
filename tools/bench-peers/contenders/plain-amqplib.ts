import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { PREFETCH, type BenchPayload, type Contender } from '../contender';

/**
 * amqplib by hand: the floor every library is measured against. Publishes and consumes on
 * connections of their own, as RabbitMQ advises (on one, the broker's flow control on the
 * publishing side holds back the consumer's acknowledgements: p99 latency ~40 ms).
 */
export class PlainAmqplib implements Contender {
  readonly name = 'plain amqplib';
  readonly guarantees = 'confirms, mandatory, ack after handler; nothing else (by hand)';
  private connection!: ChannelModel;
  private consumerConnection!: ChannelModel;
  private publisher!: ConfirmChannel;
  private queue = '';

  async start(queue: string): Promise<void> {
    this.queue = queue;
    this.connection = await connect(
      process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    );
    this.publisher = await this.connection.createConfirmChannel();
    await this.publisher.assertQueue(queue, { durable: true });
  }

  publish(payload: BenchPayload): Promise<void> {
    return new Promise((resolve, reject) =>
      this.publisher.sendToQueue(
        this.queue,
        Buffer.from(JSON.stringify(payload)),
        { persistent: true, contentType: 'application/json', mandatory: true },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }

  async consume(handled: (payload: BenchPayload) => void): Promise<() => Promise<void>> {
    const channel = await this.consumerConnection.createChannel();
    await channel.prefetch(PREFETCH);
    await channel.consume(this.queue, (message) => {
      if (!message) return;
      handled(JSON.parse(message.content.toString()) as BenchPayload);
      channel.ack(message);
    });
    return () => channel.close();
  }

  async purge(): Promise<void> {
    await this.publisher.purgeQueue(this.queue);
  }

  async close(): Promise<void> {
    await this.publisher.deleteQueue(this.queue);
    await Promise.all([this.connection.close(), this.consumerConnection.close()]);
  }
}
