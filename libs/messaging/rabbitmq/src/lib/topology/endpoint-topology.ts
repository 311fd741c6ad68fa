import type { EndpointSpec } from '@shopbus/messaging-core';
import type { QueueKind, Topology } from './topology';

export interface EndpointTopologyOptions {
  eventsExchange: string;
  commandsExchange: string;
  queueKind: QueueKind;
}

/**
 * An endpoint's queue and the bindings that bring it its messages: each event type it handles
 * is bound from the events (topic) exchange, each command or query type from the commands
 * (direct) exchange, both by message type.
 */
export function endpointTopology(
  endpoint: EndpointSpec,
  options: EndpointTopologyOptions,
): Topology {
  return {
    exchanges: [],
    queues: [{ name: endpoint.queue, kind: options.queueKind }],
    bindings: endpoint.contracts.map((contract) => ({
      source: contract.kind === 'event' ? options.eventsExchange : options.commandsExchange,
      destination: endpoint.queue,
      pattern: contract.type,
    })),
  };
}
