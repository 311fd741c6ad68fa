import {
  contractOf,
  destinationOf,
  type AnyContract,
  type Destination,
  type Endpoint,
  type OutgoingMessage,
} from '@shopbus/messaging-core';
import type { ExchangeMap } from './exchange-map';
import { messageComponent, responseComponent } from './message-components';

export interface AsyncApiInput {
  service: string;
  version: string;
  description?: string;
  /** `host:port` of the broker, without credentials. */
  host: string;
  /** The endpoints the service consumes (both handler styles). */
  endpoints: readonly Endpoint[];
  /** What it publishes, sends and requests. */
  outgoing: readonly OutgoingMessage[];
  exchanges: ExchangeMap;
}

type Json = Record<string, unknown>;
const ref = (...path: string[]) => ({
  $ref: `#/${path.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
});
const AMQP = '0.3.0';

/**
 * The AsyncAPI 3 document of one service's messaging, generated from what the code declares
 * (its endpoints and its outgoing messages) and from the transport's exchanges, never written by
 * hand: a channel per queue it consumes (AMQP queue binding) and per exchange and routing key it
 * sends to (AMQP routing-key binding with the exchange's type), a `receive` operation per
 * endpoint and a `send` per outgoing type, queries with their reply (RabbitMQ's direct reply-to),
 * every payload schema from its zod contract.
 */
export function asyncApiDocument(input: AsyncApiInput): Json {
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const messages: Record<string, Json> = {};
  const replies: Record<string, Json> = {};

  const addMessage = (contract: AnyContract) => {
    messages[contract.type] = messageComponent(contract);
    if (contract.kind === 'query') {
      const response = responseComponent(contract);
      messages[response.name] = response;
      replies[response.name] = ref('components', 'messages', response.name);
    }
  };
  const channel = (id: string, definition: Json, contracts: readonly AnyContract[]) => {
    const existing = (channels[id]?.['messages'] ?? {}) as Json;
    for (const contract of contracts)
      existing[contract.type] = ref('components', 'messages', contract.type);
    channels[id] = { ...definition, messages: existing };
  };
  const replyTo = (contracts: readonly AnyContract[]) => {
    const queries = contracts.filter((contract) => contract.kind === 'query');
    if (queries.length === 0) return {};
    return {
      reply: {
        address: { location: '$message.header#/reply_to' },
        channel: ref('channels', 'replies'),
        messages: queries.map((query) =>
          ref('channels', 'replies', 'messages', `${query.type}.response`),
        ),
      },
    };
  };

  for (const endpoint of input.endpoints) {
    const contracts = endpoint.handlers.map((handler) => handler.contract);
    contracts.forEach(addMessage);
    const id = `queue.${endpoint.queue}`;
    channel(id, queueChannel(endpoint, input.exchanges), contracts);
    operations[`receive.${endpoint.queue}`] = {
      action: 'receive',
      channel: ref('channels', id),
      summary: `Consumes ${endpoint.queue} (prefetch ${endpoint.prefetch ?? 16}${endpoint.idempotent ? ', idempotent' : ''})`,
      messages: contracts.map((contract) => ref('channels', id, 'messages', contract.type)),
      ...replyTo(contracts),
    };
  }
  for (const message of input.outgoing) {
    const contract = contractOf(message);
    addMessage(contract);
    const { id, definition } = sendChannel(contract, destinationOf(message), input.exchanges);
    channel(id, definition, [contract]);
    operations[`send.${contract.type}`] = {
      action: 'send',
      channel: ref('channels', id),
      summary: `${verb(contract)} ${contract.type}`,
      messages: [ref('channels', id, 'messages', contract.type)],
      ...replyTo([contract]),
    };
  }
  if (Object.keys(replies).length > 0) {
    channels['replies'] = {
      address: null,
      description: "The requester's direct reply-to pseudo-queue, named in each request",
      messages: replies,
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: `${input.service} messages`,
      version: input.version,
      description: input.description ?? `What the ${input.service} service sends and receives.`,
    },
    defaultContentType: 'application/json',
    servers: { rabbitmq: { host: input.host, protocol: 'amqp', protocolVersion: '0.9.1' } },
    channels,
    operations,
    components: { messages },
  };
}

function verb(contract: AnyContract): string {
  return { event: 'Publishes', command: 'Sends', query: 'Asks' }[contract.kind];
}

function queueChannel(endpoint: Endpoint, exchanges: ExchangeMap): Json {
  const sources = (endpoint.bindings ?? []).map((binding) => {
    const exchange = exchanges.names[binding.exchange] ?? binding.exchange;
    if (binding.headers) {
      return `${exchange} (headers, x-match ${binding.headers.match} ${JSON.stringify(binding.headers.values)})`;
    }
    return binding.pattern ? `${exchange} by "${binding.pattern}"` : exchange;
  });
  return {
    address: endpoint.queue,
    description:
      `Consumed by this service. Bound for its handlers' types (events from ${exchanges.events}, ` +
      `commands and queries from ${exchanges.commands})` +
      (sources.length ? `, and from ${sources.join('; ')}` : '') +
      (endpoint.fallback ? '; types without a handler go to its fallback, unvalidated' : '') +
      `. Failed messages end in ${endpoint.queue}.dlq.`,
    bindings: {
      amqp: {
        is: 'queue',
        queue: { name: endpoint.queue, durable: true, exclusive: false, autoDelete: false },
        bindingVersion: AMQP,
      },
    },
  };
}

function sendChannel(
  contract: AnyContract,
  destination: Destination | undefined,
  exchanges: ExchangeMap,
): { id: string; definition: Json } {
  if (destination && 'queue' in destination) {
    return {
      id: `queue.${destination.queue}`,
      definition: {
        address: destination.queue,
        description: 'A queue addressed by name, through the default exchange',
        bindings: {
          amqp: {
            is: 'queue',
            queue: { name: destination.queue, durable: true, exclusive: false, autoDelete: false },
            bindingVersion: AMQP,
          },
        },
      },
    };
  }
  const exchange = destination
    ? (exchanges.names[destination.exchange] ?? destination.exchange)
    : contract.kind === 'event'
      ? exchanges.events
      : exchanges.commands;
  const routingKey =
    (destination && 'routingKey' in destination && destination.routingKey) || contract.type;
  return {
    id: `exchange.${exchange}.${routingKey}`,
    definition: {
      address: routingKey,
      description: `Routing key ${routingKey} on ${exchange}`,
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: {
            name: exchange,
            type: exchanges.types[exchange] ?? 'direct',
            durable: true,
            autoDelete: false,
          },
          bindingVersion: AMQP,
        },
      },
    },
  };
}
