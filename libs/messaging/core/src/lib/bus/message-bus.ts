import type { z } from 'zod';
import type {
  AnyContract,
  CommandContract,
  EventContract,
  QueryContract,
  ResponseOf,
} from '../contracts/message-contract';
import { MAX_ROUTING_KEY_BYTES } from '../contracts/message-contract';
import { validatePayload } from '../contracts/validate-payload';
import {
  createEnvelope,
  type MessageEnvelope,
  type MessageHeaders,
} from '../envelope/message-envelope';
import { currentMessage } from '../envelope/message-scope';
import { RemoteHandlerError, UnroutableMessageError } from '../errors';
import {
  composeMiddleware,
  type ConsumeContext,
  type ConsumeMiddleware,
} from '../consuming/consume-context';
import { dispatchToHandler } from '../consuming/dispatch-to-handler';
import type { EndpointDefinition } from '../consuming/endpoint-definition';
import { idempotent, type Idempotency } from '../consuming/idempotency';
import { OutgoingMessages, type OutgoingMessage } from './outgoing-messages';
import { partitionBy } from '../consuming/partition-by';
import type { FallbackHandler, HandlerRegistration } from '../consuming/message-handler';
import { REPLY_ERROR_HEADER } from '../consuming/query-reply';
import { consoleLogger, type MessagingLogger } from '../logging/messaging-logger';
import type { Fault } from '../recoverability/fault';
import {
  faultEventPayload,
  faultEventSchema,
  faultEventType,
  isFaultEventType,
} from '../recoverability/fault-event';
import { recoverability } from '../recoverability/recoverability.middleware';
import {
  recoverabilityPolicy,
  type RecoverabilityPolicy,
} from '../recoverability/recoverability-policy';
import { decodeBody } from '../serialization/json-body';
import { toOutbound } from '../serialization/to-outbound';
import type { ConsumerHandle, Destination, InboundMessage, Transport } from '../ports/transport';
import { systemClock, type Clock } from '../time/clock';
import type { MessageMetrics } from '../metrics/message-metrics';
import type { MessageTracing } from '../tracing/message-tracing';

export interface MessageBusOptions {
  /** This service's name, stamped on every message as its source. */
  source: string;
  /** How long `request` waits for a reply unless told otherwise. Default 5000 ms. */
  defaultRequestTimeoutMs?: number;
  /** Middleware run around every handler of every endpoint, inside recoverability. Default none. */
  middleware?: readonly ConsumeMiddleware[];
  /** Retries, delayed redelivery and dead-lettering; see RecoverabilityPolicy for the defaults. */
  recoverability?: Partial<RecoverabilityPolicy>;
  /** Where idempotent endpoints record what they handled (the outbox library's inbox). */
  idempotency?: Idempotency;
  /**
   * Every type this service publishes, sends or requests. Given, nothing else can be sent (see
   * OutgoingMessages); omitted, anything can. Fault events are the bus's own and always allowed.
   */
  outgoing?: readonly OutgoingMessage[];
  logger?: MessagingLogger;
  /**
   * OpenTelemetry spans for what the bus sends and handles, their context carried in the
   * messages' headers (see MessageTracing). Default none: no span, no header, no cost.
   */
  tracing?: MessageTracing;
  /**
   * OpenTelemetry metrics of what the bus sends and handles (see MessageMetrics). Default none.
   */
  metrics?: MessageMetrics;
  /**
   * The time scheduled messages fall due by (the outbox reads it from here). Default the system
   * clock; a test harness passes a virtual one.
   */
  clock?: Clock;
}

export interface OutgoingOptions {
  headers?: MessageHeaders;
  /** Starts or overrides the correlation id (otherwise inherited from the message being handled). */
  correlationId?: string;
}

export interface RequestOptions extends OutgoingOptions {
  timeoutMs?: number;
  destination?: Destination;
}

/** A set of handlers consuming one queue, and how (see EndpointDefinition). */
export interface Endpoint extends EndpointDefinition {
  handlers: readonly HandlerRegistration[];
  /** Middleware for this endpoint only, run inside the bus-wide middleware. */
  middleware?: readonly ConsumeMiddleware[];
  /** Handles the types no handler here is for (a pattern or fanout subscription). */
  fallback?: FallbackHandler;
}

/**
 * The application's side of messaging: validates payloads against their contracts, wraps them in
 * envelopes that carry correlation forward from the message being handled, and hands them to a
 * transport. Three verbs, one per intent:
 *
 * - `publish(event)`: a fact, delivered to every subscriber (none, one or many).
 * - `send(command, destination?)`: a request to act, delivered to exactly one queue.
 * - `request(query)`: sends and waits for the one reply.
 *
 * Each resolves once the broker has the message and rejects otherwise; none retries by itself.
 */
export class MessageBus {
  private readonly requestTimeoutMs: number;
  private readonly logger: MessagingLogger;
  readonly recoverability: RecoverabilityPolicy;
  /** What this service declared it sends, or undefined when it declared nothing. */
  readonly outgoing?: OutgoingMessages;
  readonly clock: Clock;

  constructor(
    readonly transport: Transport,
    private readonly options: MessageBusOptions,
  ) {
    this.requestTimeoutMs = options.defaultRequestTimeoutMs ?? 5000;
    this.recoverability = recoverabilityPolicy(options.recoverability);
    this.logger = options.logger ?? consoleLogger;
    this.clock = options.clock ?? systemClock;
    this.outgoing = options.outgoing && new OutgoingMessages(options.source, options.outgoing);
  }

  get source(): string {
    return this.options.source;
  }

  async publish<C extends EventContract>(
    contract: C,
    payload: z.input<C['schema']>,
    options: OutgoingOptions = {},
  ): Promise<MessageEnvelope> {
    return this.produce('publish', contract, async (built) => {
      const envelope = this.envelope(contract, payload, options);
      built(envelope.messageId);
      await this.transport.publish(toOutbound(envelope));
      return envelope;
    });
  }

  async send<C extends CommandContract>(
    contract: C,
    payload: z.input<C['schema']>,
    destination?: Destination,
    options: OutgoingOptions = {},
  ): Promise<MessageEnvelope> {
    return this.produce('send', contract, async (built) => {
      const envelope = this.envelope(contract, payload, options);
      built(envelope.messageId);
      await this.transport.send(toOutbound(envelope), destination);
      return envelope;
    });
  }

  async request<C extends QueryContract>(
    contract: C,
    payload: z.input<C['schema']>,
    options: RequestOptions = {},
  ): Promise<ResponseOf<C>> {
    const reply = await this.produce('request', contract, (built) => {
      const envelope = this.envelope(contract, payload, options);
      built(envelope.messageId);
      return this.transport.request(toOutbound(envelope), {
        timeoutMs: options.timeoutMs ?? this.requestTimeoutMs,
        destination: options.destination,
      });
    });
    const remoteError = reply.metadata.headers[REPLY_ERROR_HEADER];
    if (remoteError !== undefined) {
      throw new RemoteHandlerError(`"${contract.type}" failed at the responder: ${remoteError}`);
    }
    return validatePayload(
      `${contract.type} response`,
      contract.responseSchema,
      decodeBody(reply.body),
    ) as ResponseOf<C>;
  }

  /**
   * Runs one of the bus's sends inside its producer span when tracing is on, and counted and
   * timed when metrics are; as it is when both are off.
   */
  private produce<T>(
    operation: 'publish' | 'send' | 'request',
    contract: AnyContract,
    produce: (built: (messageId: string) => void) => Promise<T>,
  ): Promise<T> {
    const { tracing, metrics } = this.options;
    if (!tracing && !metrics) return produce(() => undefined);
    const message = { operation, messageType: contract.type };
    const traced = tracing
      ? () => tracing.produce(message, produce)
      : () => produce(() => undefined);
    return metrics ? metrics.produce(message, traced) : traced();
  }

  /**
   * Validates a payload and wraps it in an envelope without sending it: what the outbox stores
   * inside a database transaction, to be relayed later.
   */
  envelope<C extends AnyContract>(
    contract: C,
    payload: z.input<C['schema']>,
    options: OutgoingOptions = {},
  ): MessageEnvelope<z.output<C['schema']>> {
    this.outgoing?.assertDeclared(contract);
    return createEnvelope({
      messageType: contract.type,
      messageVersion: contract.version,
      payload: validatePayload(contract.type, contract.schema, payload),
      source: this.options.source,
      parent: currentMessage(),
      correlationId: options.correlationId,
      // The active span's context (an HTTP request's, a handler's), also for the outbox's rows.
      headers: this.options.tracing
        ? this.options.tracing.inject(options.headers ?? {})
        : options.headers,
    }) as MessageEnvelope<z.output<C['schema']>>;
  }

  /**
   * Starts consuming an endpoint's queue: recoverability outermost (the endpoint's policy over
   * the bus's), then the bus-wide and the endpoint's middleware, then, on an idempotent endpoint,
   * the transaction with its inbox record, then the handler for the message's type.
   */
  async subscribe(endpoint: Endpoint): Promise<ConsumerHandle> {
    const policy = endpoint.recoverability
      ? recoverabilityPolicy({ ...this.recoverability, ...endpoint.recoverability })
      : this.recoverability;
    const pipeline = composeMiddleware(
      [
        ...(this.options.tracing ? [this.options.tracing.consumer()] : []),
        ...(this.options.metrics
          ? [this.options.metrics.consumer(endpoint.handlers.map((h) => h.contract.type))]
          : []),
        recoverability({
          policy,
          service: this.options.source,
          logger: this.logger,
          beforeDeadLetter: this.recoverability.publishFaultEvents
            ? (fault, context) => this.publishFault(fault, context)
            : undefined,
        }),
        ...(this.options.middleware ?? []),
        ...(endpoint.middleware ?? []),
        ...(endpoint.idempotent ? [this.idempotentFor(endpoint)] : []),
      ],
      dispatchToHandler(endpoint.handlers, this.options.source, endpoint.fallback),
    );
    const handle = (message: InboundMessage) =>
      pipeline({ message, endpoint: endpoint.queue, attempt: 1 });
    return this.transport.consume(
      {
        queue: endpoint.queue,
        prefetch: endpoint.prefetch ?? 16,
        contracts: endpoint.handlers.map((handler) => handler.contract),
        redeliveryDelaysMs: policy.redeliveryDelaysMs,
        bindings: endpoint.bindings,
      },
      endpoint.partitionBy ? partitionBy(endpoint.partitionBy, handle) : handle,
    );
  }

  private idempotentFor(endpoint: Endpoint): ConsumeMiddleware {
    const { idempotency } = this.options;
    if (!idempotency) {
      throw new Error(
        `Endpoint "${endpoint.queue}" is idempotent, but the bus has no idempotency store (the inbox)`,
      );
    }
    const query = endpoint.handlers.find(({ contract }) => contract.kind === 'query');
    if (query) {
      throw new Error(
        `Endpoint "${endpoint.queue}" answers "${query.contract.type}", a query: a query asked again ` +
          'is answered again, so its endpoint cannot be idempotent',
      );
    }
    const types = new Set(endpoint.handlers.map(({ contract }) => contract.type));
    return idempotent(idempotency, (type) => types.has(type));
  }

  /**
   * Publishes `<type>.faulted`, caused by the failed message and in its conversation. An event
   * nobody subscribes to is unroutable, which here only means nobody needs to hear of the fault.
   * A fault event is never announced for a fault event (a fault of a fault would chain without
   * end), nor for a type too long to route with its suffix: the dead letter says all there is.
   */
  private async publishFault(fault: Fault, context: ConsumeContext): Promise<void> {
    const { metadata } = context.message;
    const type = faultEventType(metadata.messageType || 'unknown');
    if (isFaultEventType(metadata.messageType) || Buffer.byteLength(type) > MAX_ROUTING_KEY_BYTES) {
      this.logger.debug('no fault event for this message', { messageType: metadata.messageType });
      return;
    }
    const envelope = createEnvelope({
      messageType: type,
      payload: validatePayload('fault event', faultEventSchema, faultEventPayload(fault, context)),
      source: this.options.source,
      parent: metadata,
    });
    try {
      await this.transport.publish(toOutbound(envelope));
    } catch (error) {
      if (!(error instanceof UnroutableMessageError)) throw error;
      this.logger.debug('fault event has no subscriber', { messageType: envelope.messageType });
    }
  }
}
