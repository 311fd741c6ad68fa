import type {
  Clock,
  MessageMetrics,
  MessageTracing,
  MessagingLogger,
  Transport,
} from '@shopbus/messaging-core';

export interface OutboxRelayOptions {
  /**
   * The service's own database, where its outbox table is. The relay holds three connections
   * (one for LISTEN and its slice locks, two to claim and mark batches in a pipeline) and opens
   * a pool of one more, on demand, for metrics and operator queries.
   */
  databaseUrl: string;
  /** Publishes with the broker's confirms; the service's started transport. */
  transport: Transport;
  /** Names this relay in logs and the database's connection list. Default 'outbox-relay'. */
  name?: string;
  /** Rows claimed and published per batch. Default 500. */
  batchSize?: number;
  /**
   * Wake up on the writers' NOTIFY. Default true; false leaves only polling (to measure what
   * NOTIFY buys, or behind a connection pooler that drops LISTEN).
   */
  listen?: boolean;
  /** Look for work this often even without a NOTIFY. Default 1000 ms (100 ms without listen). */
  pollIntervalMs?: number;
  /** A row that failed this often is moved to the failed state. Default 10. */
  maxAttempts?: number;
  /** Delay before a failed row's next attempt: doubles per attempt from this. Default 1000 ms. */
  retryInitialDelayMs?: number;
  /** ...up to this. Default 60 000 ms. */
  retryMaxDelayMs?: number;
  /** While the broker (or database) is unreachable the relay waits from this... Default 200 ms. */
  backoffInitialMs?: number;
  /** ...doubling up to this between tries. Default 10 000 ms. */
  backoffMaxMs?: number;
  /** How often relays rebalance their slices. Default 2000 ms. */
  rebalanceIntervalMs?: number;
  /** Published outbox rows are deleted after this long. Default 24 h. */
  publishedRetentionMs?: number;
  /** Inbox records are deleted after this long (longer than any redelivery). Default 7 days. */
  inboxRetentionMs?: number;
  /** How often old rows are deleted. Default 60 000 ms. */
  housekeepingIntervalMs?: number;
  logger?: MessagingLogger;
  /**
   * The time rows fall due by (scheduled messages, retries). Default: the database's `now()`.
   * A test harness passes the virtual clock its outbox schedules by, so that advancing it
   * releases the rows it passed.
   */
  clock?: Clock;
  /**
   * Spans for the relay's sends, each the child of the span that wrote its row (see
   * MessageTracing.relay). Default none: the stored headers go out as written.
   */
  tracing?: MessageTracing;
  /**
   * Counts and times the relay's sends as the bus's own (MessageMetrics.produce), and records
   * each row's lag from falling due to the broker's confirm (see RelayMetrics). Default none.
   */
  metrics?: MessageMetrics;
}

/** The options with no default. */
type Optional = 'logger' | 'clock' | 'tracing' | 'metrics';

export type ResolvedRelayOptions = Required<Omit<OutboxRelayOptions, Optional>> &
  Pick<OutboxRelayOptions, Optional>;

export function resolveRelayOptions(options: OutboxRelayOptions): ResolvedRelayOptions {
  const listen = options.listen ?? true;
  return {
    name: 'outbox-relay',
    batchSize: 500,
    maxAttempts: 10,
    retryInitialDelayMs: 1000,
    retryMaxDelayMs: 60_000,
    backoffInitialMs: 200,
    backoffMaxMs: 10_000,
    rebalanceIntervalMs: 2000,
    publishedRetentionMs: 24 * 60 * 60 * 1000,
    inboxRetentionMs: 7 * 24 * 60 * 60 * 1000,
    housekeepingIntervalMs: 60_000,
    pollIntervalMs: listen ? 1000 : 100,
    ...options,
    listen,
  };
}
