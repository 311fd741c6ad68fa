import {
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ConsumeMiddleware } from '../consuming/consume-context';
import { resolvedOutcome, type DeliveryOutcome } from '../consuming/delivery-outcome';
import type { MessageHeaders } from '../envelope/message-envelope';

export interface MessageTracingOptions {
  /** Default: the global provider's tracer named `shopbus` (a no-op until an SDK registers one). */
  tracer?: Tracer;
  /**
   * How a span's context travels in a message's headers. Default W3C Trace Context
   * (`traceparent`, `tracestate`), whatever propagator the application registered globally:
   * every service of a system must agree on it, and the headers are the library's contract.
   */
  propagator?: TextMapPropagator;
}

/**
 * A read that took a stored message (one batch serves many messages, so each one's trace records
 * it): its span's name, attributes and `performance.now()` times.
 */
export interface ClaimedFromStore {
  name: string;
  attributes: Attributes;
  startTime: number;
  endTime: number;
}

/** What a producer span is about: the operation and the message. */
export interface ProducedMessage {
  operation: 'publish' | 'send' | 'request';
  messageType: string;
}

const SYSTEM = { 'messaging.system': 'rabbitmq' } as const;

/**
 * OpenTelemetry tracing of the messages a bus sends and handles, following the messaging
 * semantic conventions; the context crosses the broker in the message's own headers, so a
 * checkout's trace runs from the HTTP request through every service it causes, and through the
 * transactional outbox too: an envelope written to the outbox carries the context of the span
 * that wrote it, and the relay's send (`relay`) is that span's child.
 *
 * - `publish <type>` / `send <type>` / `request <type>` (PRODUCER) around each send of the bus;
 * - `process <queue>` (CONSUMER) per delivery, the child of the sender's span, with the message
 *   id, conversation (correlation) id, type, redelivery count and outcome; handlers run inside
 *   it, so what they send (directly or through the outbox) continues the trace.
 *
 * Off (no `tracing` given to the bus), nothing of this runs.
 */
export class MessageTracing {
  /** Where its spans come from; the HTTP middleware starts its request spans here as well. */
  readonly tracer: Tracer;
  private readonly propagator: TextMapPropagator;

  constructor(options: MessageTracingOptions = {}) {
    this.tracer = options.tracer ?? trace.getTracer('shopbus');
    this.propagator = options.propagator ?? new W3CTraceContextPropagator();
  }

  /** `headers` with the context of `active` (default: the active span) written into them. */
  inject(headers: MessageHeaders, active: Context = otelContext.active()): MessageHeaders {
    const carrier: Record<string, string> = {};
    this.propagator.inject(active, carrier, headerSetter);
    return { ...headers, ...carrier };
  }

  /**
   * The context a message's headers carry; the root context when they carry none (or a forged
   * one): a message never joins whatever trace happens to be active where it is received.
   */
  extract(headers: MessageHeaders): Context {
    return this.propagator.extract(ROOT_CONTEXT, headers, headerGetter);
  }

  /**
   * Runs `produce` inside a PRODUCER span (CLIENT for a request) that ends once the broker has
   * the message (or the reply came). `produce` builds the envelope inside it, so that the
   * envelope carries this span's context, and names the message it built with `built`.
   */
  async produce<T>(
    message: ProducedMessage,
    produce: (built: (messageId: string) => void) => Promise<T>,
  ): Promise<T> {
    const request = message.operation === 'request';
    return this.inSpan(
      `${message.operation} ${message.messageType}`,
      request ? SpanKind.CLIENT : SpanKind.PRODUCER,
      otelContext.active(),
      () => ({
        ...SYSTEM,
        'messaging.operation.type': request ? 'send' : 'publish',
        'messaging.operation.name': message.operation,
        'shopbus.message.type': message.messageType,
      }),
      (span) =>
        settle(span, () =>
          produce((messageId) => span.setAttribute('messaging.message.id', messageId)),
        ),
    );
  }

  /**
   * A message written earlier (the outbox's relay): a PRODUCER span, the child of the span that
   * wrote it (from its stored headers), around `publish`, which gets the headers again with this
   * span's context in place of the writer's, so that the consumer's span is this one's child.
   * `claimed`: the read that took the message from its store, a finished CLIENT span under the
   * writer's too (with its own times), so the trace shows the wait until it and its cost.
   */
  async relay<T>(
    message: ProducedMessage & {
      messageId: string;
      headers: MessageHeaders;
      claimed?: ClaimedFromStore;
    },
    publish: (headers: MessageHeaders) => Promise<T>,
  ): Promise<T> {
    const writer = this.extract(message.headers);
    if (message.claimed) this.recordClaim(writer, message.claimed);
    return this.inSpan(
      `${message.operation} ${message.messageType}`,
      SpanKind.PRODUCER,
      writer,
      () => ({
        ...SYSTEM,
        'messaging.operation.type': 'publish',
        'messaging.operation.name': message.operation,
        'messaging.message.id': message.messageId,
        'shopbus.message.type': message.messageType,
        'shopbus.relayed': true,
      }),
      (span) => settle(span, () => publish(this.inject(message.headers))),
    );
  }

  /**
   * The outermost link of a consume pipeline: a CONSUMER span per delivery, the child of the
   * context in its headers, active while the rest of the pipeline runs.
   */
  consumer(): ConsumeMiddleware {
    return (context, next) => {
      const { metadata, redeliveryCount } = context.message;
      return this.inSpan(
        `process ${context.endpoint}`,
        SpanKind.CONSUMER,
        this.extract(metadata.headers),
        () => ({
          ...SYSTEM,
          'messaging.operation.type': 'process',
          'messaging.destination.name': context.endpoint,
          'messaging.message.id': metadata.messageId,
          'messaging.message.conversation_id': metadata.correlationId,
          'shopbus.message.type': metadata.messageType,
          'shopbus.redelivery_count': redeliveryCount,
        }),
        async (span) => {
          try {
            await next();
            const { settled } = context;
            const outcome: DeliveryOutcome = resolvedOutcome(context);
            span.setAttribute('shopbus.outcome', outcome);
            if (settled) markFailed(span, settled.error);
          } catch (error) {
            span.setAttribute('shopbus.outcome', 'failed');
            markFailed(span, error);
            throw error;
          } finally {
            span.end();
          }
        },
      );
    };
  }

  private recordClaim(writer: Context, claimed: ClaimedFromStore): void {
    const span = this.tracer.startSpan(
      claimed.name,
      { kind: SpanKind.CLIENT, startTime: claimed.startTime },
      writer,
    );
    if (span.isRecording()) span.setAttributes(claimed.attributes);
    span.end(claimed.endTime);
  }

  /**
   * Runs `work` with a new span under `parent` active. Its attributes are built only if it
   * records: a span of a trace that is not sampled records nothing, and costs little more than
   * carrying the context (the sampler decides without them; the service's does not read them).
   */
  private inSpan<T>(
    name: string,
    kind: SpanKind,
    parent: Context,
    attributes: () => Attributes,
    work: (span: Span) => T,
  ): T {
    const span = this.tracer.startSpan(name, { kind }, parent);
    if (span.isRecording()) span.setAttributes(attributes());
    return otelContext.with(trace.setSpan(parent, span), work, undefined, span);
  }
}

/** Writes a context's fields into message headers (one object for every message). */
const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Reads a context's fields from message headers; values that are not strings are not read. */
const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** Runs `work` to its end and the span with it: an error is recorded on the span and passed on. */
async function settle<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** The span's status ERROR, with the error recorded on it. */
function markFailed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
}
