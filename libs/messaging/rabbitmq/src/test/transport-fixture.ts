import { connect } from 'amqplib';
import { MessageBus, silentLogger, type MessageBusOptions } from '@shopbus/messaging-core';
import { BrokerAdmin, rabbitmqUrl, uniqueName } from '@shopbus/testing';
import { RabbitMqTransport } from '../lib/rabbitmq-transport';
import { declareTopology } from '../lib/topology/declare-topology';
import { naming } from '../lib/topology/naming';
import { mergeTopologies, type Topology } from '../lib/topology/topology';
import type { RabbitMqTransportOptions } from '../lib/rabbitmq-transport.options';

/**
 * A transport and bus on exchanges named for this test run only, and a broker admin that deletes
 * everything the test declared afterwards.
 */
export interface TransportFixture {
  transport: RabbitMqTransport;
  bus: MessageBus;
  admin: BrokerAdmin;
  /** A queue name unique to this run, tracked for deletion with the queues derived from it. */
  queueName(prefix: string): string;
  /** Declares (durable, classic) queues directly, as another service or an operator would. */
  declareQueues(...names: string[]): Promise<void>;
  /** Declares a topology directly, outside the transport under test. */
  declare(topology: Partial<Topology>): Promise<void>;
  /** A second transport (another "service") on the same exchanges. */
  connectAnother(
    source: string,
    options?: Partial<RabbitMqTransportOptions>,
  ): Promise<{ transport: RabbitMqTransport; bus: MessageBus }>;
  close(): Promise<void>;
}

export async function startTransportFixture(
  options: Partial<RabbitMqTransportOptions> = {},
  busOptions: Partial<MessageBusOptions> = {},
): Promise<TransportFixture> {
  const admin = await BrokerAdmin.connect();
  const eventsExchange = uniqueName('events');
  const commandsExchange = uniqueName('commands');
  const deadLetterExchange = uniqueName('dead-letter');
  admin.track({ exchanges: [eventsExchange, commandsExchange, deadLetterExchange] });
  const transports: RabbitMqTransport[] = [];

  const open = async (source: string, extra: Partial<RabbitMqTransportOptions> = {}) => {
    const transport = new RabbitMqTransport({
      url: rabbitmqUrl(),
      connectionName: `test ${source}`,
      eventsExchange,
      commandsExchange,
      deadLetterExchange,
      logger: silentLogger,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      ...options,
      ...extra,
    });
    transports.push(transport);
    await transport.start();
    return {
      transport,
      bus: new MessageBus(transport, { source, logger: silentLogger, ...busOptions }),
    };
  };

  const declare = async (topology: Partial<Topology>) => {
    const connection = await connect(rabbitmqUrl());
    await declareTopology(connection, mergeTopologies(topology));
    await connection.close();
  };

  const { transport, bus } = await open('test-service');
  return {
    transport,
    bus,
    admin,
    queueName(prefix) {
      const name = uniqueName(prefix);
      // The endpoint's own queue, its dead-letter queue and its retry queues.
      const delays = bus.recoverability.redeliveryDelaysMs;
      admin.track({
        queues: [
          name,
          naming.deadLetterQueue(name),
          ...delays.map((delay) => naming.retryQueue(name, delay)),
        ],
      });
      return name;
    },
    declare,
    declareQueues: (...names) => declare({ queues: names.map((name) => ({ name })) }),
    connectAnother: open,
    async close() {
      await Promise.all(transports.map((t) => t.close()));
      await admin.cleanUp();
    },
  };
}

/** A delivery's headers, none as {}. */
export const headersOf = (message: { properties: { headers?: Record<string, unknown> } }) =>
  message.properties.headers ?? {};
