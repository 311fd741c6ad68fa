import type {
  AnyContract,
  ConsumeMiddleware,
  Idempotency,
  OutgoingMessage,
  MessagingLogger,
  Clock,
  RecoverabilityPolicy,
  Transport,
  MessageMetrics,
  MessageTracing,
} from '@shopbus/messaging-core';

export interface MessagingModuleOptions {
  /** This service's name: the source of its messages and the prefix of its queues. */
  serviceName: string;
  /** The broker adapter, e.g. `new RabbitMqTransport({...})`. The module starts and closes it. */
  transport: Transport;
  /** Prefetch of endpoints that do not set their own. Default 16. */
  defaultPrefetch?: number;
  /** Middleware around every handler (the recoverability policies hang here). */
  middleware?: readonly ConsumeMiddleware[];
  /** Default wait for `request` replies. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** Retries, delayed redelivery, fault events; see RecoverabilityPolicy for the defaults. */
  recoverability?: Partial<RecoverabilityPolicy>;
  /** Default: the Nest logger. */
  logger?: MessagingLogger;
  /**
   * Where idempotent endpoints record what they handled, in the service's database (the outbox
   * library's `InboxIdempotency`). Needed once any endpoint is declared `idempotent`.
   */
  idempotency?: Idempotency;
  /**
   * Every type the service publishes, sends or requests: given, the bus refuses any other (see
   * OutgoingMessages), and the AsyncAPI document lists them. Default: not held to a list.
   */
  outgoing?: readonly OutgoingMessage[];
  /**
   * The contracts `@EventPattern`/`@MessagePattern` patterns may name (a pattern that is one's
   * type is validated by it); other patterns carry unchecked JSON. Default none.
   */
  contracts?: readonly AnyContract[];
  /**
   * The queues this service says it consumes (e.g. from its manifest). When given, the module
   * refuses to start if its handlers consume any other set, naming the difference, so that a
   * written-down list of endpoints (used for permissions and operator routes) cannot drift.
   */
  declaredQueues?: readonly string[];
  /** The time scheduled messages fall due by. Default the system clock (tests pass a virtual one). */
  clock?: Clock;
  /** OpenTelemetry spans for what the bus sends and handles (see MessageTracing). Default none. */
  tracing?: MessageTracing;
  /** OpenTelemetry metrics of what the bus sends and handles (see MessageMetrics). Default none. */
  metrics?: MessageMetrics;
}
