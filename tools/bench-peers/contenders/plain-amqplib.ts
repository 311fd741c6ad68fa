import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import { PREFETCH, type BenchPayload, type Contender } from '../contender';

/**
 * amqplib by hand: the floor every library is measured against. Publishes and consumes on
 * connections of their own, as RabbitMQ advises (on one, the broker's flow control on the
 * publishing side holds back the consumer's acknowledgements: p99 latency ~40 ms).
 */
export class PlainAmqplib implements Contender {
  readonly name: string;
  readonly guarantees = 'confirms, mandatory, ack after handler; nothing else (by hand)';
  private connection!: ChannelModel;
  private consumerConnection!: ChannelModel;
  private publisher!: ConfirmChannel;
  private queue = '';

  /**
   * `withEnvelope`: each message carries what shopbus writes (message and correlation ids, type,
   * source, timestamp, version, conversation and send time headers), so the difference to
   * shopbus is the library's own work, not the metadata it carries.
   */
  constructor(private readonly withEnvelope = false) {
    this.name = withEnvelope ? "plain amqplib, shopbus's properties" : 'plain amqplib';
  }

  private properties(): Options.Publish {
    const bare: Options.Publish = {
      persistent: true,
      contentType: 'application/json',
      mandatory: true,
    };
    if (!this.withEnvelope) return bare;
    const id = randomUUID();
    const now = new Date();
    // Written out, not `{ ...bare, … }`: amqplib reads options made by a spread and then
    // extended slower (several µs a message), which a careful hand-written publisher avoids.
    return {
      persistent: true,
      contentType: 'application/json',
      mandatory: true,
      messageId: id,
      correlationId: id,
      type: 'bench.message',
      appId: 'bench',
      timestamp: Math.floor(now.getTime() / 1000),
      headers: { 'message-version': 1, 'conversation-id': id, 'sent-at': now.toISOString() },
    };
  }

  async start(queue: string): Promise<void> {
    this.queue = queue;
    const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
    this.connection = await connect(url);
    this.consumerConnection = await connect(url);
    this.publisher = await this.connection.createConfirmChannel();
    await this.publisher.assertQueue(queue, { durable: true });
  }

  publish(payload: BenchPayload): Promise<void> {
    return new Promise((resolve, reject) =>
      this.publisher.sendToQueue(
        this.queue,
        Buffer.from(JSON.stringify(payload)),
        this.properties(),
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
