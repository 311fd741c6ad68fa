import { PublishRejectedError, type Fault, type MessageHeaders } from '@shopbus/messaging-core';
import { matchesHeaders, type HeadersRule } from '../routing/headers-match';
import { matchesTopic } from '../routing/topic-pattern';
import { InMemoryQueue } from './in-memory-queue';
import type { StoredMessage } from './stored-message';

/** The four kinds of router, with RabbitMQ's exchange semantics. */
export type RouterType = 'direct' | 'topic' | 'fanout' | 'headers';

export interface RouterDeclaration {
  readonly name: string;
  readonly type: RouterType;
}

/** From a router to a queue, or (`destinationKind: 'exchange'`) to another router. */
export interface RouteBinding {
  readonly source: string;
  readonly destination: string;
  readonly destinationKind?: 'queue' | 'exchange';
  /** Direct: the key; topic: the pattern. Ignored by fanout and headers routers. */
  readonly pattern?: string;
  /** Headers routers only. */
  readonly headersMatch?: {
    readonly match: 'all' | 'any';
    readonly headers: HeadersRule['values'];
  };
}

/** What happened on the broker, for whoever observes it (the test harness). */
export type BrokerEvent =
  | {
      kind: 'accepted';
      /** The router it was handed to ('' for straight to a queue). */
      exchange: string;
      routingKey: string;
      message: StoredMessage;
      queues: readonly string[];
    }
  | {
      kind: 'settled';
      queue: string;
      message: StoredMessage;
      outcome: 'handled' | 'redelivered-later' | 'dead-lettered' | 'handed-back';
    }
  | { kind: 'dead-lettered'; queue: string; message: StoredMessage; fault?: Fault; reason: string };

/** The name RabbitMQ gives its default exchange: routes to the queue named by the key. */
export const DEFAULT_ROUTER = '';

/**
 * RabbitMQ's model in one process: routers (exchanges) of the four kinds, bindings between
 * routers and queues (and from router to router), queues with competing consumers and
 * dead-letter queues. Several transports (one per "service") share one broker, as services share
 * a RabbitMQ node; nothing leaves the process and nothing survives it.
 */
export class InMemoryBroker {
  private readonly routers = new Map<string, RouterType>();
  private readonly bindings: RouteBinding[] = [];
  private readonly queues = new Map<string, InMemoryQueue>();
  private readonly replies = new Map<string, (message: StoredMessage) => void>();
  /** Delayed redeliveries waiting out their delay, by due time (in their clock's time). */
  private readonly scheduled = new Set<{ dueAt: number }>();
  private readonly observers = new Set<(event: BrokerEvent) => void>();
  private readonly changeListeners = new Set<() => void>();

  /** Declares a router; declaring one that exists with another type is refused, as RabbitMQ does. */
  declareRouter({ name, type }: RouterDeclaration): void {
    const existing = this.routers.get(name);
    if (existing && existing !== type) {
      throw new Error(`Exchange "${name}" exists as ${existing}; declared now as ${type}`);
    }
    this.routers.set(name, type);
  }

  hasRouter(name: string): boolean {
    return name === DEFAULT_ROUTER || this.routers.has(name);
  }

  declareQueue(name: string): InMemoryQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      const created: InMemoryQueue = new InMemoryQueue(name, {
        changed: () => this.changed(),
        rejected: (message) => this.deadLetter(created, message, undefined, 'rejected'),
      });
      queue = created;
      this.queues.set(name, queue);
    }
    return queue;
  }

  queue(name: string): InMemoryQueue | undefined {
    return this.queues.get(name);
  }

  /** Binds (idempotently). Its source router must exist, and its destination router if it names one. */
  bind(binding: RouteBinding): void {
    if (!this.routers.has(binding.source)) {
      throw new Error(`Cannot bind from exchange "${binding.source}": it was never declared`);
    }
    if (binding.destinationKind === 'exchange' && !this.routers.has(binding.destination)) {
      throw new Error(`Cannot bind to exchange "${binding.destination}": it was never declared`);
    }
    if (binding.destinationKind !== 'exchange') this.declareQueue(binding.destination);
    const same = (b: RouteBinding) => JSON.stringify(b) === JSON.stringify(binding);
    if (!this.bindings.some(same)) this.bindings.push(binding);
  }

  /**
   * Hands a message to a router, which routes it to every matching queue (a copy each); resolves
   * with the queues it reached, none when nothing matched. An unknown router refuses the message
   * in RabbitMQ's words.
   */
  route(exchange: string, routingKey: string, message: StoredMessage): string[] {
    if (!this.hasRouter(exchange)) {
      throw new PublishRejectedError(`NOT_FOUND - no exchange '${exchange}'`);
    }
    const reached = new Set<InMemoryQueue>();
    this.collect(exchange, routingKey, message.metadata.headers, reached, new Set());
    for (const queue of reached) queue.enqueue(message);
    const queues = [...reached].map((queue) => queue.name);
    if (queues.length > 0) this.emit({ kind: 'accepted', exchange, routingKey, message, queues });
    return queues;
  }

  private collect(
    exchange: string,
    routingKey: string,
    headers: MessageHeaders,
    reached: Set<InMemoryQueue>,
    visited: Set<string>,
  ): void {
    if (exchange === DEFAULT_ROUTER) {
      const queue = this.queues.get(routingKey);
      if (queue) reached.add(queue);
      return;
    }
    if (visited.has(exchange)) return;
    visited.add(exchange);
    const type = this.routers.get(exchange);
    for (const binding of this.bindings) {
      if (binding.source !== exchange || !matches(type, binding, routingKey, headers)) continue;
      if (binding.destinationKind === 'exchange') {
        this.collect(binding.destination, routingKey, headers, reached, visited);
      } else {
        reached.add(this.declareQueue(binding.destination));
      }
    }
  }

  /** Puts a message back on one queue after `delay` (resolved by the caller's clock). */
  redeliverLater(
    queue: InMemoryQueue,
    message: StoredMessage,
    dueAt: number,
    wait: (deliver: () => void) => void,
  ): void {
    const entry = { dueAt };
    this.scheduled.add(entry);
    this.changed();
    wait(() => {
      this.scheduled.delete(entry);
      queue.enqueue({
        ...message,
        redelivered: false,
        redeliveryCount: message.redeliveryCount + 1,
      });
    });
  }

  deadLetter(
    queue: InMemoryQueue,
    message: StoredMessage,
    fault?: Fault,
    brokerReason?: string,
  ): void {
    queue.addDeadLetter({ message, fault, brokerReason });
    this.emit({
      kind: 'dead-lettered',
      queue: queue.name,
      message,
      fault,
      reason: fault?.errorMessage ?? `dead-lettered by the broker: ${brokerReason}`,
    });
  }

  /** A reply address for one request; `deliver` receives its reply. */
  openReplyAddress(address: string, deliver: (message: StoredMessage) => void): () => void {
    this.replies.set(address, deliver);
    return () => this.replies.delete(address);
  }

  /** Hands a reply to its requester; one that left already loses nothing it still waits for. */
  reply(address: string, message: StoredMessage): void {
    this.replies.get(address)?.(message);
  }

  settled(
    queue: string,
    message: StoredMessage,
    outcome: Extract<BrokerEvent, { kind: 'settled' }>['outcome'],
  ): void {
    this.emit({ kind: 'settled', queue, message, outcome });
  }

  /** Watches what happens; the returned function stops watching. */
  observe(observer: (event: BrokerEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Told whenever work starts or settles anywhere on the broker. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * True when nothing on the broker will progress by itself: no delivery out, no message a
   * consumer can take, and no delayed redelivery due at or before `before` (in the clock's time).
   */
  isQuiet(before: number): boolean {
    for (const queue of this.queues.values()) if (queue.busy) return false;
    for (const { dueAt } of this.scheduled) if (dueAt <= before) return false;
    return true;
  }

  /**
   * Resolves once the broker is quiet (see isQuiet, with `before` the horizon of scheduled
   * redeliveries: a virtual clock's now, or Infinity to wait for every one); rejects after
   * `timeoutMs` of real time.
   */
  whenQuiet(before = Number.POSITIVE_INFINITY, timeoutMs = 10_000): Promise<void> {
    const quiet = () => this.isQuiet(before);
    if (quiet()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`The broker was not quiet within ${timeoutMs} ms: deliveries in flight`));
      }, timeoutMs);
      const stop = this.onChange(() => {
        if (!quiet()) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });
  }

  private emit(event: BrokerEvent): void {
    for (const observer of this.observers) observer(event);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

function matches(
  type: RouterType | undefined,
  binding: RouteBinding,
  routingKey: string,
  headers: MessageHeaders,
): boolean {
  switch (type) {
    case 'fanout':
      return true;
    case 'topic':
      return matchesTopic(binding.pattern ?? '', routingKey);
    case 'headers':
      return binding.headersMatch
        ? matchesHeaders(
            { match: binding.headersMatch.match, values: binding.headersMatch.headers },
            headers,
          )
        : false;
    default:
      return (binding.pattern ?? '') === routingKey;
  }
}
