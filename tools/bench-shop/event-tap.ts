import { connect, type ChannelModel } from 'amqplib';

/**
 * Listens to every event on the shop's events exchange (a queue of its own bound with `#`,
 * deleted when the tap closes) and remembers when each order's events arrived, by correlation id
 * (an order's id is its correlation id).
 */
export class EventTap {
  /** orderId → event type → arrival time (ms, the first arrival). */
  readonly arrivals = new Map<string, Map<string, number>>();

  private constructor(private readonly connection: ChannelModel) {}

  static async start(rabbitmqUrl: string, eventsExchange: string): Promise<EventTap> {
    const connection = await connect(rabbitmqUrl);
    const tap = new EventTap(connection);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, eventsExchange, '#');
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const orderId = String(message.properties.correlationId ?? '');
        const type = String(message.properties.type ?? '');
        let events = tap.arrivals.get(orderId);
        if (!events) tap.arrivals.set(orderId, (events = new Map()));
        if (!events.has(type)) events.set(type, Date.now());
      },
      { noAck: true },
    );
    return tap;
  }

  /** When `type` arrived for `orderId`, if it did. */
  arrival(orderId: string, type: string): number | undefined {
    return this.arrivals.get(orderId)?.get(type);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
