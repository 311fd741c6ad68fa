import type { EndpointSpec } from '@shopbus/messaging-core';
import { naming } from './naming';
import type { QueueKind, Topology } from './topology';

export interface EndpointTopologyOptions {
  eventsExchange: string;
  commandsExchange: string;
  /** Direct exchange through which every endpoint reaches its `<queue>.dlq`, keyed by queue name. */
  deadLetterExchange: string;
  queueKind: QueueKind;
  /** Quorum queues only: the broker dead-letters a message redelivered this often (a backstop). */
  deliveryLimit: number;
}

/**
 * An endpoint's queues and bindings:
 *
 * - the queue itself, bound from the events (topic) exchange for each event type it handles and
 *   from the commands (direct) exchange for each command or query type; its own dead-letter
 *   exchange argument sends anything the broker rejects or gives up to its `.dlq`;
 * - `<queue>.dlq`, bound to the dead-letter exchange with the queue's name;
 * - one retry queue per redelivery delay: a message sits there for the delay (its TTL), then the
 *   broker dead-letters it through the default exchange back into the endpoint's queue. No
 *   delayed-message plugin needed.
 */
export function endpointTopology(
  endpoint: EndpointSpec,
  options: EndpointTopologyOptions,
): Topology {
  const { queue } = endpoint;
  const quorum = options.queueKind === 'quorum';
  return {
    exchanges: [{ name: options.deadLetterExchange, type: 'direct' }],
    queues: [
      {
        name: queue,
        kind: options.queueKind,
        deadLetterExchange: options.deadLetterExchange,
        deadLetterRoutingKey: queue,
        deliveryLimit: quorum ? options.deliveryLimit : undefined,
      },
      { name: naming.deadLetterQueue(queue), kind: options.queueKind },
      ...endpoint.redeliveryDelaysMs.map((delayMs) => ({
        name: naming.retryQueue(queue, delayMs),
        kind: options.queueKind,
        messageTtlMs: delayMs,
        deadLetterExchange: naming.defaultExchange,
        deadLetterRoutingKey: queue,
      })),
    ],
    bindings: [
      ...endpoint.contracts.map((contract) => ({
        source: contract.kind === 'event' ? options.eventsExchange : options.commandsExchange,
        destination: queue,
        pattern: contract.type,
      })),
      ...(endpoint.bindings ?? []).map((binding) => ({
        source: binding.exchange,
        destination: queue,
        pattern: binding.pattern,
        headersMatch: binding.headers && {
          match: binding.headers.match,
          headers: binding.headers.values,
        },
      })),
      {
        source: options.deadLetterExchange,
        destination: naming.deadLetterQueue(queue),
        pattern: queue,
      },
    ],
  };
}
