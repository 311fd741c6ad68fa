import type { MessageMetadata } from '../envelope/message-envelope';
import type { AnyContract } from '../contracts/message-contract';
import type { Fault } from '../recoverability/fault';
import type { DeadLetterOperations } from '../dead-letters/dead-letter-operations';

/**
 * Where a sent message goes. `{ queue }` delivers straight to one named queue; `{ exchange,
 * routingKey }` hands it to a router the application names logically ('notifications'), which
 * routes it by the key (default: the message type) or by its headers. Omitted, a command goes
 * to the transport's command router, routed by its message type.
 */
export type Destination = { queue: string } | { exchange: string; routingKey?: string };

/** A message ready for the wire: its metadata and its already-encoded body. */
export interface OutboundMessage {
  readonly metadata: MessageMetadata;
  readonly body: Buffer;
}

/**
 * A message as it arrived, before its body is decoded. The metadata is read from the transport's
 * own properties and headers; a message sent by a foreign client may lack some of it (an empty
 * `messageType`, for instance), which the consume pipeline treats as a fault, never a crash.
 */
export interface InboundMessage {
  readonly metadata: MessageMetadata;
  readonly body: Buffer;
  /**
   * Set when the transport could not read the delivery faithfully (a property or header with an
   * impossible value): why. Such a message is dead-lettered before any handler sees it.
   */
  readonly malformed?: string;
  /** True when the broker delivered this message before and it was not acknowledged. */
  readonly redelivered: boolean;
  /**
   * Who published it, as the transport authenticated them (RabbitMQ: the validated `user_id`,
   * kept through the library's own redelivery and dead-letter copies and operators' replays);
   * undefined when the transport cannot tell. Compare it with the envelope's `source`, which
   * anyone can write (see `verifiedPublishers`).
   */
  readonly publisher?: string;
  /** Present when the sender awaits an answer: sends it one reply. */
  readonly reply?: (message: OutboundMessage) => Promise<void>;
  /** Delayed redeliveries already behind this message (0 on its first arrival). */
  readonly redeliveryCount: number;
  /**
   * Hands a copy back to the broker to be delivered to this endpoint again after `delayMs`, with
   * `redeliveryCount` one higher. Resolves once the broker holds the copy; the pipeline then
   * resolves and this delivery is acknowledged.
   */
  redeliverLater(delayMs: number): Promise<void>;
  /** Moves a copy, with the fault attached, to the endpoint's dead-letter queue; then as above. */
  deadLetter(fault: Fault): Promise<void>;
}

/** A reply to a request: its metadata and body, nothing to settle. */
export type ReplyMessage = Pick<InboundMessage, 'metadata' | 'body'>;

/** Settles a delivery: resolve to acknowledge, reject to leave it with the broker. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

/**
 * A source an endpoint's queue receives from besides its handlers' own message types, named
 * logically: an event pattern (`order.*`, `shipment.#`: `*` one word, `#` zero or more) on the
 * events router or another topic router, every message of a fanout router, or the messages whose
 * headers match on a headers router. Every transport implements these four routing kinds
 * (direct, topic, fanout, headers) with RabbitMQ's semantics; how it declares them is its own.
 */
export interface EndpointBinding {
  readonly exchange: string;
  /** Routing pattern; ignored by fanout and headers exchanges. Default ''. */
  readonly pattern?: string;
  /** For headers exchanges: all of these headers must match, or any one. */
  readonly headers?: {
    readonly match: 'all' | 'any';
    readonly values: Readonly<Record<string, string | number | boolean>>;
  };
}

/** What a transport needs to know to consume for one endpoint. */
export interface EndpointSpec {
  /** The queue consumed; the transport declares it and binds it for `contracts`. */
  readonly queue: string;
  /** Most messages handled at once on this endpoint (and held unacknowledged by the broker). */
  readonly prefetch: number;
  /** The message types this endpoint handles: events are subscribed, commands and queries routed. */
  readonly contracts: readonly AnyContract[];
  /** The delays the recoverability policy may ask `redeliverLater` for: declared up front. */
  readonly redeliveryDelaysMs: readonly number[];
  /** Further sources to bind the queue to. */
  readonly bindings?: readonly EndpointBinding[];
}

export interface ConsumerHandle {
  /** Stops taking new messages, waits for the ones being handled, then releases the consumer. */
  stop(): Promise<void>;
}

/** A transport's state as an operator (or a readiness probe) sees it. */
export interface TransportStatus {
  readonly connected: boolean;
  /**
   * Why the broker holds publishers back right now (e.g. a memory or disk alarm), or undefined.
   * While blocked, every publish waits: the service cannot do its work.
   */
  readonly blocked?: string;
  /** Every endpoint (queue) this transport consumes for. */
  readonly endpoints: readonly string[];
  /** Endpoints whose consumer is not attached right now (it is re-attaching). */
  readonly idleEndpoints: readonly string[];
}

/**
 * The port a transport implements (RabbitMQ, in memory; `transportContract` in @shopbus/testing
 * is what each must pass). Every method that puts a message on the wire resolves only once the
 * transport has taken responsibility for it, and rejects with one of the library's
 * `MessagingError`s otherwise: never silently drops a message.
 *
 * Delivery is at-least-once: a consumer's handler may see the same messageId more than once and
 * must be idempotent (see the inbox). A transport may call one endpoint's handler concurrently,
 * up to the endpoint's prefetch; it settles each delivery only after the handler's promise has.
 */
export interface Transport {
  /** Connects and declares the topology; resolves when ready to publish and consume. */
  start(): Promise<void>;
  /**
   * What a readiness check needs to know: connected, held back by the broker, every consumer
   * attached. A publish that failed with TransportDisconnectedError while `connected` stays true
   * failed on its own account (its channel was closed over it).
   */
  status(): TransportStatus;
  /** An event to every queue subscribed to its message type. */
  publish(message: OutboundMessage): Promise<void>;
  /** A command to exactly one queue. */
  send(message: OutboundMessage, destination?: Destination): Promise<void>;
  /** Sends a query and waits for its one reply, or rejects with RequestTimeoutError. */
  request(
    message: OutboundMessage,
    options: { timeoutMs: number; destination?: Destination },
  ): Promise<ReplyMessage>;
  /** Starts consuming for an endpoint; messages are handed to `handler` one delivery at a time. */
  consume(endpoint: EndpointSpec, handler: InboundHandler): Promise<ConsumerHandle>;
  /** The endpoints' dead-letter queues: what operators list, replay and purge. */
  deadLetterQueues(): DeadLetterOperations;
  /** Graceful shutdown: stops consumers, lets in-flight handlers finish, closes the connection. */
  close(): Promise<void>;
}
