import {
  metrics,
  ValueType,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
} from '@opentelemetry/api';
import type { ConsumeMiddleware } from '../consuming/consume-context';
import { resolvedOutcome, type DeliveryOutcome } from '../consuming/delivery-outcome';
import type { ProducedMessage } from '../tracing/message-tracing';

export interface MessageMetricsOptions {
  /** Default: the global provider's meter named `shopbus` (a no-op until an SDK registers one). */
  meter?: Meter;
}

/**
 * Bucket bounds in seconds, 1 ms to 30 s: a confirm takes milliseconds, a handler that waits on
 * its database or another service up to seconds, a relayed row as long as the relay lags.
 */
export const MESSAGING_SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Message types outside the endpoint's contracts are counted under this one (forged or stray). */
export const UNKNOWN_MESSAGE_TYPE = 'unknown';

const SYSTEM = { 'messaging.system': 'rabbitmq' } as const;

/**
 * OpenTelemetry metrics of the messages a bus sends and handles, named after the messaging
 * semantic conventions, through the OpenTelemetry API (the service decides where they go: the
 * platform serves them on /metrics as Prometheus text).
 *
 *   messaging.client.sent.messages        counter   per operation (publish, send, request) and
 *                                                    message type; `error.type` names a failure
 *                                                    (UnroutableMessageError, PublishRejectedError
 *                                                    for a nack, RequestTimeoutError, …)
 *   messaging.client.operation.duration   histogram the same, in seconds: until the broker's
 *                                                    confirm (a request: until its reply)
 *   messaging.client.consumed.messages    counter   deliveries per endpoint and message type
 *   messaging.process.duration            histogram each delivery's handling, in seconds, with
 *                                                    `shopbus.outcome` (handled, retried,
 *                                                    redelivered, dead-lettered, failed)
 *
 * A delivery's message type is recorded only when it is one of the endpoint's contracts;
 * anything else is `unknown`, so that a forged type cannot grow the metrics without bound.
 */
export class MessageMetrics {
  readonly meter: Meter;
  private readonly sent: Counter;
  private readonly operationDuration: Histogram;
  private readonly consumed: Counter;
  private readonly processDuration: Histogram;

  constructor(options: MessageMetricsOptions = {}) {
    this.meter = options.meter ?? metrics.getMeter('shopbus');
    this.sent = this.meter.createCounter('messaging.client.sent.messages', {
      description: 'Messages sent (published, sent or requested), by outcome',
      unit: '{message}',
      valueType: ValueType.INT,
    });
    this.operationDuration = this.meter.createHistogram('messaging.client.operation.duration', {
      description: 'Time until the broker confirmed a message (a request: until its reply)',
      unit: 's',
      advice: { explicitBucketBoundaries: MESSAGING_SECONDS_BUCKETS },
    });
    this.consumed = this.meter.createCounter('messaging.client.consumed.messages', {
      description: 'Deliveries received by an endpoint',
      unit: '{message}',
      valueType: ValueType.INT,
    });
    this.processDuration = this.meter.createHistogram('messaging.process.duration', {
      description: "A delivery's handling, immediate retries included, by its outcome",
      unit: 's',
      advice: { explicitBucketBoundaries: MESSAGING_SECONDS_BUCKETS },
    });
  }

  /** Runs one send of the bus (or a relayed outbox row) and records its count and duration. */
  async produce<T>(message: ProducedMessage, produce: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const attributes: Attributes = {
      ...SYSTEM,
      'messaging.operation.name': message.operation,
      'shopbus.message.type': message.messageType,
    };
    try {
      const result = await produce();
      this.recordSent(attributes, started);
      return result;
    } catch (error) {
      this.recordSent({ ...attributes, 'error.type': errorTypeOf(error) }, started);
      throw error;
    }
  }

  /**
   * A link of an endpoint's consume pipeline, outside recoverability (which tells it what became
   * of the delivery): counts the delivery and records how long handling took and how it ended.
   */
  consumer(knownTypes: readonly string[]): ConsumeMiddleware {
    const known = new Set(knownTypes);
    return async (context, next) => {
      const started = performance.now();
      const { messageType } = context.message.metadata;
      const attributes: Attributes = {
        ...SYSTEM,
        'messaging.destination.name': context.endpoint,
        'shopbus.message.type': known.has(messageType) ? messageType : UNKNOWN_MESSAGE_TYPE,
      };
      this.consumed.add(1, attributes);
      let outcome: DeliveryOutcome = 'failed';
      let failure: unknown;
      try {
        await next();
        outcome = resolvedOutcome(context);
        failure = context.settled?.error;
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        this.processDuration.record(seconds(started), {
          ...attributes,
          'shopbus.outcome': outcome,
          ...(failure !== undefined && { 'error.type': errorTypeOf(failure) }),
        });
      }
    };
  }

  private recordSent(attributes: Attributes, started: number): void {
    this.sent.add(1, attributes);
    this.operationDuration.record(seconds(started), attributes);
  }
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** An error's class name (a bounded set: the code's own classes), as `error.type` wants it. */
export function errorTypeOf(error: unknown): string {
  return error instanceof Error ? error.constructor.name : '_OTHER';
}
