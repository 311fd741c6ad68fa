import { transportContract, type ContractWorld } from '@shopbus/testing';
import { InMemoryBroker } from '../lib/broker/in-memory-broker';
import { InMemoryTransport } from '../lib/in-memory-transport';

transportContract({
  name: 'the in-memory transport',
  async start(): Promise<ContractWorld> {
    const broker = new InMemoryBroker();
    const transports: InMemoryTransport[] = [];
    let names = 0;
    const world: ContractWorld = {
      eventsExchange: 'contract.events',
      commandsExchange: 'contract.commands',
      async open(options = {}) {
        const transport = new InMemoryTransport({
          broker,
          eventsExchange: world.eventsExchange,
          commandsExchange: world.commandsExchange,
          exchangeNames: options.logicalNames,
        });
        transports.push(transport);
        await transport.start();
        return transport;
      },
      async declare({ exchanges, bindings = [] }) {
        for (const exchange of exchanges) broker.declareRouter(exchange);
        for (const binding of bindings) broker.bind(binding);
      },
      name: (prefix) => `${prefix}.${(names += 1)}`,
      async close() {
        await Promise.all(transports.map((transport) => transport.close()));
      },
    };
    return world;
  },
});
