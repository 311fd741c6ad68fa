import {
  connect,
  type Channel,
  type ChannelModel,
  type ConsumeMessage,
  type GetMessage,
  type Options,
} from 'amqplib';
import { until, withDeadline } from './signals';
import { rabbitmqUrl } from './test-environment';

/**
 * What a test needs to inspect and clean the broker directly, outside the code under test:
 * count and read queued messages, and delete every queue and exchange it declared. It opens a
 * new connection whenever the last one was lost, so it keeps working across broker restarts.
 */
export class BrokerAdmin {
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();
  private connection?: ChannelModel;

  static async connect(): Promise<BrokerAdmin> {
    const admin = new BrokerAdmin();
    await admin.withChannel(async () => undefined);
    return admin;
  }

  /** Records names to delete in `cleanUp`, whoever declares them. */
  track(names: { queues?: readonly string[]; exchanges?: readonly string[] }): void {
    names.queues?.forEach((name) => this.queues.add(name));
    names.exchanges?.forEach((name) => this.exchanges.add(name));
  }

  /** Ready messages in a queue. Exact once the messages' publishes were confirmed. */
  messageCount(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
  }

  /**
   * Resolves once a queue holds exactly `count` ready messages, leaving them there. The broker
   * offers no event for "a queue reached n", so this asks it every 20 ms, up to a deadline.
   */
  async untilMessageCount(queue: string, count: number, timeoutMs = 10_000): Promise<void> {
    let last = -1;
    await until(
      async () => (last = await this.messageCount(queue)) === count,
      () => `${count} message(s) in ${queue} (it has ${last})`,
      timeoutMs,
    );
  }

  /** Deletes a queue now, as an operator (or an attacker with the rights) would. */
  async deleteQueue(queue: string): Promise<void> {
    await this.withChannel((channel) => channel.deleteQueue(queue));
  }

  /** Deletes an exchange now, with every binding from it. */
  async deleteExchange(exchange: string): Promise<void> {
    await this.withChannel((channel) => channel.deleteExchange(exchange));
  }

  /** Whether a queue exists (checked passively: nothing is declared). */
  async queueExists(queue: string): Promise<boolean> {
    return this.withChannel((channel) => channel.checkQueue(queue).then(() => true)).catch(
      () => false,
    );
  }

  /** Takes one message off a queue (acknowledged), or false when it is empty. */
  take(queue: string): Promise<GetMessage | false> {
    return this.withChannel((channel) => channel.get(queue, { noAck: true }));
  }

  /** Takes every ready message off a queue. */
  async drain(queue: string): Promise<GetMessage[]> {
    const taken: GetMessage[] = [];
    for (let message = await this.take(queue); message; message = await this.take(queue))
      taken.push(message);
    return taken;
  }

  /** Puts raw bytes straight into a queue, as a foreign or broken client would. */
  publishRaw(queue: string, body: string, properties: Options.Publish = {}): Promise<void> {
    return this.withConfirmChannel(async (channel) => {
      channel.sendToQueue(queue, Buffer.from(body), { persistent: true, ...properties });
      await channel.waitForConfirms();
    });
  }

  /** Waits for the next `count` messages to arrive in a queue and takes them (acknowledged). */
  async nextMessages(queue: string, count = 1, timeoutMs = 10_000): Promise<ConsumeMessage[]> {
    return this.withChannel(async (channel) => {
      const taken: ConsumeMessage[] = [];
      const arrived = new Promise<ConsumeMessage[]>((resolve) => {
        void channel.consume(queue, (message) => {
          if (!message) return;
          taken.push(message);
          channel.ack(message);
          if (taken.length === count) resolve(taken);
        });
      });
      return withDeadline(
        arrived,
        timeoutMs,
        () => `expected ${count} message(s) in ${queue}, got ${taken.length}`,
      );
    });
  }

  async cleanUp(): Promise<void> {
    await this.withChannel(async (channel) => {
      for (const queue of this.queues) await channel.deleteQueue(queue);
      for (const exchange of this.exchanges) await channel.deleteExchange(exchange);
    });
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }

  private async withConfirmChannel<T>(
    work: (channel: Channel & { waitForConfirms(): Promise<void> }) => Promise<T>,
  ): Promise<T> {
    const connection = await this.open();
    const channel = await connection.createConfirmChannel();
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async open(): Promise<ChannelModel> {
    if (!this.connection) {
      const connection = await connect(rabbitmqUrl());
      connection.on('error', () => undefined);
      connection.on('close', () => {
        if (this.connection === connection) this.connection = undefined;
      });
      this.connection = connection;
    }
    return this.connection;
  }

  // A failed operation (a missing queue) closes its channel, so each operation gets its own.
  private async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await (await this.open()).createChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}
