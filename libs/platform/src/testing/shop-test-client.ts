import { shopExchanges } from '@shopbus/contracts';
import { MessageBus, silentLogger, type MessageEnvelope } from '@shopbus/messaging-core';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { Countdown, until, type TestVhost } from '@shopbus/testing';
import { shopTopology } from '../lib/messaging/shop-topology';

/**
 * Plays "another service" in a service's tests: sends it commands and queries on the shop's
 * exchanges, and records every event published in the virtual host, in order.
 */
export class ShopTestClient {
  readonly events = new Countdown<MessageEnvelope<unknown>>();

  private constructor(
    readonly bus: MessageBus,
    private readonly transport: RabbitMqTransport,
  ) {}

  static async start(vhost: TestVhost, prefix = 'shop'): Promise<ShopTestClient> {
    const exchanges = shopExchanges(prefix);
    const transport = new RabbitMqTransport({
      url: vhost.url,
      connectionName: 'test client',
      eventsExchange: exchanges.events,
      commandsExchange: exchanges.commands,
      deadLetterExchange: exchanges.deadLetter,
      topology: shopTopology(exchanges),
      logger: silentLogger,
    });
    await transport.start();
    const bus = new MessageBus(transport, {
      source: 'test-client',
      logger: silentLogger,
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [] },
    });
    const client = new ShopTestClient(bus, transport);
    await bus.subscribe({
      queue: 'test-client.all-events',
      handlers: [],
      bindings: [{ exchange: exchanges.events, pattern: '#' }],
      fallback: async (_, { envelope }) => client.events.record(envelope),
    });
    return client;
  }

  /** Resolves with the first recorded event of `type` that `matches`, waiting for it. */
  async event<P = Record<string, unknown>>(
    type: string,
    matches: (payload: P) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<MessageEnvelope<P>> {
    let found: MessageEnvelope<P> | undefined;
    await until(
      () => {
        found = this.events.seen.find((e) => e.messageType === type && matches(e.payload as P)) as
          MessageEnvelope<P> | undefined;
        return found !== undefined;
      },
      `event ${type}`,
      timeoutMs,
    );
    return found as MessageEnvelope<P>;
  }

  /** Every recorded event of `type` so far. */
  eventsOf(type: string): MessageEnvelope<unknown>[] {
    return this.events.seen.filter((e) => e.messageType === type);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
