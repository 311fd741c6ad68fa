/**
 * One message in an endpoint's dead-letter queue, as an operator needs to see it to decide
 * whether to replay it. Messages given up by the library carry their fault; messages a broker
 * dead-lettered by itself (a quorum queue's delivery limit) carry only the broker's reason.
 */
export interface DeadLetteredMessage {
  readonly messageId?: string;
  readonly messageType?: string;
  readonly correlationId?: string;
  /** Why it was given up: the handler's error message, or the broker's dead-letter reason. */
  readonly reason: string;
  readonly errorType?: string;
  readonly attempts?: number;
  readonly failedAt?: string;
  readonly service?: string;
  /** Where it had been sent: the (real) exchange and the routing key it arrived with. */
  readonly originalExchange?: string;
  readonly originalRoutingKey?: string;
  /** How often it was replayed before and failed again. */
  readonly replayCount: number;
  /** The body as text (JSON for every message the library wrote). */
  readonly body: string;
}

export interface DeadLetterListing {
  /** Messages in the dead-letter queue when listing began. */
  readonly total: number;
  /** The first `limit` of them, oldest first. */
  readonly messages: readonly DeadLetteredMessage[];
}

export interface ReplayOptions {
  /** Replay only these; omitted, every message in the dead-letter queue. */
  readonly messageIds?: readonly string[];
}

export interface ReplayResult {
  /** Message ids replayed, in the order they went back. */
  readonly replayed: readonly string[];
  /** Messages left in the dead-letter queue. */
  readonly remaining: number;
}

/**
 * Operations on an endpoint's dead-letter queue, addressed by the endpoint's queue name: `list`
 * removes nothing; `replay` puts each chosen message back on the endpoint's queue alone (not to
 * the other subscribers of an event) with its replay count raised, and removes it from the
 * dead-letter queue only once the transport holds the copy; `purge` deletes them all. Naming a
 * queue the transport does not have is an error that says so.
 */
export interface DeadLetterOperations {
  list(queue: string, options?: { limit?: number }): Promise<DeadLetterListing>;
  replay(queue: string, options?: ReplayOptions): Promise<ReplayResult>;
  /** Resolves with how many messages there were. */
  purge(queue: string): Promise<number>;
}
