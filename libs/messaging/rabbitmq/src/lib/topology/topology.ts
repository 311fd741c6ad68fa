/**
 * The broker topology as plain data: what exists is read in one place and declared idempotently
 * at every (re)connection. Declaring something that exists with the same settings is a no-op;
 * with different settings the broker refuses, and `declareTopology` says what differs.
 */
export type ExchangeType = 'direct' | 'topic' | 'fanout' | 'headers';

export interface ExchangeDeclaration {
  readonly name: string;
  readonly type: ExchangeType;
  /** Survives a broker restart. Default true. */
  readonly durable?: boolean;
  /** Only reachable through exchange-to-exchange bindings, never published to directly. Default false. */
  readonly internal?: boolean;
  /** Where the broker sends what this exchange cannot route. */
  readonly alternateExchange?: string;
}

export type QueueKind = 'classic' | 'quorum';

export interface QueueDeclaration {
  readonly name: string;
  /** Classic (one node) or quorum (replicated, Raft). Default classic. */
  readonly kind?: QueueKind;
  /** Survives a broker restart. Default true; quorum queues are always durable. */
  readonly durable?: boolean;
  /** Dead-lettered messages (rejected, expired, over a limit) go to this exchange. */
  readonly deadLetterExchange?: string;
  /** ...with this routing key instead of their own. */
  readonly deadLetterRoutingKey?: string;
  /**
   * Quorum queues with a dead-letter exchange only: `at-least-once` keeps a dead-lettered
   * message in this queue until the target queue has confirmed it (no loss when a node fails
   * mid-way; RabbitMQ 3.10+, needs `x-overflow: reject-publish`, which this sets), where
   * `at-most-once` (RabbitMQ's default) may drop it. Default at-least-once.
   */
  readonly deadLetterStrategy?: 'at-least-once' | 'at-most-once';
  /** Messages expire after this long in the queue (then are dead-lettered, if set). */
  readonly messageTtlMs?: number;
  /** Quorum queues only: dead-letter a message after this many redeliveries. */
  readonly deliveryLimit?: number;
  /** The queue is deleted after this long without consumers (for test and temporary queues). */
  readonly expiresMs?: number;
}

/** Matching rule of a binding to a headers exchange: every header must match, or any one. */
export interface HeadersMatch {
  readonly match: 'all' | 'any';
  readonly headers: Readonly<Record<string, string | number | boolean>>;
}

export interface BindingDeclaration {
  /** The exchange messages come from. */
  readonly source: string;
  /** The queue (or, with `destinationKind: 'exchange'`, the exchange) they go to. */
  readonly destination: string;
  /** Default 'queue'. An exchange-to-exchange binding forwards what matches to another exchange. */
  readonly destinationKind?: 'queue' | 'exchange';
  /**
   * Routing key or pattern. Topic patterns: `*` is one word, `#` zero or more (`order.*`,
   * `shipment.#`). Ignored by fanout and headers exchanges. Default ''.
   */
  readonly pattern?: string;
  /** For headers exchanges. */
  readonly headersMatch?: HeadersMatch;
}

export interface Topology {
  readonly exchanges: readonly ExchangeDeclaration[];
  readonly queues: readonly QueueDeclaration[];
  readonly bindings: readonly BindingDeclaration[];
}

export function mergeTopologies(...parts: readonly Partial<Topology>[]): Topology {
  return {
    exchanges: parts.flatMap((part) => part.exchanges ?? []),
    queues: parts.flatMap((part) => part.queues ?? []),
    bindings: parts.flatMap((part) => part.bindings ?? []),
  };
}
