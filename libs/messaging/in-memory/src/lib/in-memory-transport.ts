import { randomUUID } from 'node:crypto';
import {
  RequestTimeoutError,
  systemClock,
  TransportDisconnectedError,
  UnroutableMessageError,
  type Clock,
  type ConsumerHandle,
  type DeadLetterOperations,
  type Destination,
  type EndpointSpec,
  type InboundHandler,
  type InboundMessage,
  type OutboundMessage,
  type ReplyMessage,
  type Transport,
  type TransportStatus,
} from '@shopbus/messaging-core';
import { DEFAULT_ROUTER, InMemoryBroker, type BrokerEvent } from './broker/in-memory-broker';
import type { InMemoryQueue } from './broker/in-memory-queue';
import { storedCopy, type StoredMessage } from './broker/stored-message';
import { InMemoryDeadLetters } from './broker/in-memory-dead-letters';
import type { InMemoryTransportOptions } from './in-memory-transport.options';

type Outcome = Extract<BrokerEvent, { kind: 'settled' }>['outcome'];

/**
 * The Transport port in one process, with RabbitMQ's semantics where users rely on them (and the
 * transport contract suite checks both alike): publish to every subscriber through a topic
 * router, send to one queue by type or by name, request/response, routers of every kind with
 * router-to-router bindings, competing consumers with prefetch-bounded concurrency, a delivery
 * handed back once and then dead-lettered, delayed redelivery on its clock, dead-letter queues
 * with the fault and replay, and unroutable messages refused. For handler and saga tests (see
 * MessagingHarness) and for running a service without a broker; nothing survives the process.
 */
export class InMemoryTransport implements Transport {
  readonly broker: InMemoryBroker;
  readonly eventsExchange: string;
  readonly commandsExchange: string;
  private readonly clock: Clock;
  private readonly consumers = new Map<string, () => Promise<void>>();
  private started = false;
  private closed = false;

  constructor(private readonly options: InMemoryTransportOptions = {}) {
    this.broker = options.broker ?? new InMemoryBroker();
    this.eventsExchange = options.eventsExchange ?? 'messaging.events';
    this.commandsExchange = options.commandsExchange ?? 'messaging.commands';
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    this.broker.declareRouter({ name: this.eventsExchange, type: 'topic' });
    this.broker.declareRouter({ name: this.commandsExchange, type: 'direct' });
    for (const router of this.options.topology?.exchanges ?? []) this.broker.declareRouter(router);
    for (const binding of this.options.topology?.bindings ?? []) this.broker.bind(binding);
    this.started = true;
    this.closed = false;
  }

  status(): TransportStatus {
    return {
      connected: this.started && !this.closed,
      endpoints: [...this.consumers.keys()],
      idleEndpoints: [],
    };
  }

  async publish(message: OutboundMessage): Promise<void> {
    this.deliverVia(this.eventsExchange, message.metadata.messageType, message);
  }

  async send(message: OutboundMessage, destination?: Destination): Promise<void> {
    const { exchange, routingKey } = this.target(message, destination);
    this.deliverVia(exchange, routingKey, message);
  }

  async request(
    message: OutboundMessage,
    options: { timeoutMs: number; destination?: Destination },
  ): Promise<ReplyMessage> {
    const { exchange, routingKey } = this.target(message, options.destination);
    const address = `reply.${randomUUID()}`;
    let close: (() => void) | undefined;
    // A request timeout is a liveness limit, not business time: it runs on the real clock, so
    // that a test with a virtual clock is not left waiting for an answer that never comes.
    const reply = new Promise<ReplyMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RequestTimeoutError(message.metadata.messageType, options.timeoutMs)),
        options.timeoutMs,
      );
      const closeAddress = this.broker.openReplyAddress(address, (answer) => {
        clearTimeout(timer);
        resolve({ metadata: answer.metadata, body: answer.body });
      });
      close = () => {
        clearTimeout(timer);
        closeAddress();
      };
    });
    try {
      this.deliverVia(exchange, routingKey, message, address);
      return await reply;
    } finally {
      close?.();
    }
  }

  async consume(spec: EndpointSpec, handler: InboundHandler): Promise<ConsumerHandle> {
    this.assertOpen(`consume "${spec.queue}"`);
    if (this.consumers.has(spec.queue)) {
      throw new Error(`This transport consumes "${spec.queue}" already`);
    }
    const queue = this.broker.declareQueue(spec.queue);
    for (const contract of spec.contracts) {
      const source = contract.kind === 'event' ? this.eventsExchange : this.commandsExchange;
      this.broker.bind({ source, destination: spec.queue, pattern: contract.type });
    }
    for (const binding of spec.bindings ?? []) {
      this.broker.bind({
        source: this.exchangeName(binding.exchange),
        destination: spec.queue,
        pattern: binding.pattern,
        headersMatch: binding.headers && {
          match: binding.headers.match,
          headers: binding.headers.values,
        },
      });
    }
    const stop = queue.consume(spec.prefetch, (stored) =>
      this.deliver(spec, queue, stored, handler),
    );
    this.consumers.set(spec.queue, stop);
    return {
      stop: async () => {
        this.consumers.delete(spec.queue);
        await stop();
      },
    };
  }

  deadLetterQueues(): DeadLetterOperations {
    return new InMemoryDeadLetters(this.broker);
  }

  async close(): Promise<void> {
    const stops = [...this.consumers.values()];
    this.consumers.clear();
    await Promise.all(stops.map((stop) => stop()));
    this.closed = true;
  }

  /** Hands one delivery to the pipeline; resolves true to acknowledge it. */
  private async deliver(
    spec: EndpointSpec,
    queue: InMemoryQueue,
    stored: StoredMessage,
    handler: InboundHandler,
  ): Promise<boolean> {
    let outcome: Outcome = 'handled';
    const inbound: InboundMessage = {
      metadata: stored.metadata,
      body: stored.body,
      redelivered: stored.redelivered,
      redeliveryCount: stored.redeliveryCount,
      reply: stored.replyTo
        ? async (reply) => {
            this.assertOpen('reply');
            const address = stored.replyTo as string;
            this.broker.reply(
              address,
              storedCopy(reply.metadata, reply.body, {
                exchange: DEFAULT_ROUTER,
                routingKey: address,
              }),
            );
          }
        : undefined,
      redeliverLater: async (delayMs) => {
        this.assertOpen('redeliver');
        if (!spec.redeliveryDelaysMs.includes(delayMs)) {
          throw new UnroutableMessageError(
            stored.metadata.messageType,
            `"${spec.queue}" after ${delayMs} ms`,
            'no such redelivery delay was declared for the endpoint',
          );
        }
        this.broker.redeliverLater(queue, stored, this.clock.now() + delayMs, (due) =>
          this.clock.setTimer(due, delayMs),
        );
        outcome = 'redelivered-later';
      },
      deadLetter: async (fault) => {
        this.assertOpen('dead-letter');
        this.broker.deadLetter(queue, stored, fault);
        outcome = 'dead-lettered';
      },
    };
    try {
      await handler(inbound);
    } catch {
      this.broker.settled(spec.queue, stored, 'handed-back');
      return false;
    }
    this.broker.settled(spec.queue, stored, outcome);
    return true;
  }

  private deliverVia(
    exchange: string,
    routingKey: string,
    message: OutboundMessage,
    replyTo?: string,
  ): void {
    this.assertOpen(`publish "${message.metadata.messageType}"`);
    const stored = storedCopy(message.metadata, message.body, { exchange, routingKey }, replyTo);
    const reached = this.broker.route(exchange, routingKey, stored);
    if (reached.length === 0) {
      const where =
        exchange === DEFAULT_ROUTER ? `queue "${routingKey}"` : `exchange "${exchange}"`;
      throw new UnroutableMessageError(message.metadata.messageType, where, 'NO_ROUTE');
    }
  }

  private target(message: OutboundMessage, destination?: Destination) {
    const type = message.metadata.messageType;
    if (!destination) return { exchange: this.commandsExchange, routingKey: type };
    if ('queue' in destination) return { exchange: DEFAULT_ROUTER, routingKey: destination.queue };
    return {
      exchange: this.exchangeName(destination.exchange),
      routingKey: destination.routingKey ?? type,
    };
  }

  private exchangeName(name: string): string {
    return this.options.exchangeNames?.[name] ?? name;
  }

  private assertOpen(action: string): void {
    if (!this.started || this.closed) {
      throw new TransportDisconnectedError(
        `Cannot ${action}: the in-memory transport is ${this.closed ? 'closed' : 'not started'}`,
      );
    }
  }
}
