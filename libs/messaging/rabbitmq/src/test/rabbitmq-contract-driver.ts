import { connect } from 'amqplib';
import { silentLogger } from '@shopbus/messaging-core';
import {
  BrokerAdmin,
  rabbitmqUrl,
  uniqueExchanges,
  uniqueName,
  type TransportContractDriver,
  type ContractWorld,
} from '@shopbus/testing';
import { RabbitMqTransport } from '../lib/rabbitmq-transport';
import { declareTopology } from '../lib/topology/declare-topology';
import { mergeTopologies } from '../lib/topology/topology';
import { naming } from '../lib/topology/naming';
import type { QueueKind } from '../lib/topology/topology';

/** The contract's redelivery delays: their retry queues are cleaned up with each endpoint. */
const CONTRACT_DELAYS = [50];

/** The contract's world on the local broker, its endpoints on queues of this kind. */
export const rabbitMqContractDriver = (queueKind: QueueKind): TransportContractDriver => ({
  name: `RabbitMQ (${queueKind} queues)`,
  async start(): Promise<ContractWorld> {
    const admin = await BrokerAdmin.connect();
    const exchanges = uniqueExchanges();
    admin.track({ exchanges: Object.values(exchanges) });
    const transports: RabbitMqTransport[] = [];
    return {
      eventsExchange: exchanges.eventsExchange,
      commandsExchange: exchanges.commandsExchange,
      async open(options = {}) {
        const transport = new RabbitMqTransport({
          url: rabbitmqUrl(),
          connectionName: 'transport contract',
          ...exchanges,
          exchangeNames: options.logicalNames,
          queueKind,
          logger: silentLogger,
          reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
        });
        transports.push(transport);
        await transport.start();
        return transport;
      },
      async declare(routers) {
        const connection = await connect(rabbitmqUrl());
        await declareTopology(connection, mergeTopologies(routers));
        await connection.close();
      },
      name(prefix) {
        const name = uniqueName(prefix);
        // Whether it becomes a queue or an exchange, it is deleted with what derives from it.
        admin.track({
          exchanges: [name],
          queues: [
            name,
            naming.deadLetterQueue(name),
            ...CONTRACT_DELAYS.map((delay) => naming.retryQueue(name, delay)),
          ],
        });
        return name;
      },
      async close() {
        await Promise.all(transports.map((transport) => transport.close()));
        await admin.cleanUp();
      },
    };
  },
});
