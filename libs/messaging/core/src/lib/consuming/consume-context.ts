import type { InboundMessage } from '../ports/transport';

/**
 * The state of one delivery as it passes through the middleware chain. Middleware reads the
 * inbound message and may record what it learned for those after it.
 */
export interface ConsumeContext {
  readonly message: InboundMessage;
  /** The endpoint (queue) consuming the message. */
  readonly endpoint: string;
  /** How many times the handler has been invoked for this delivery, counting from 1. */
  attempt: number;
  /** On an idempotent endpoint: the transaction this attempt runs in (see `idempotent`). */
  transaction?: unknown;
  /**
   * Set by recoverability when the handler gave up on the delivery: handed back for a delayed
   * redelivery, or moved to the dead-letter queue (tracing records it as the outcome).
   */
  settled?: { as: 'redelivered' | 'dead-lettered'; error: unknown };
}

/**
 * One link of the chain. Call `next()` to pass the delivery on; resolve to have it acknowledged,
 * throw to leave it unacknowledged. A middleware may call `next()` more than once (a retry) or
 * not at all (a filter), and must not swallow an error it cannot act on.
 */
export type ConsumeMiddleware = (
  context: ConsumeContext,
  next: () => Promise<void>,
) => Promise<void>;

/** Runs the middleware in order around `terminal`, the first being the outermost. */
export function composeMiddleware(
  middleware: readonly ConsumeMiddleware[],
  terminal: (context: ConsumeContext) => Promise<void>,
): (context: ConsumeContext) => Promise<void> {
  return middleware.reduceRight<(context: ConsumeContext) => Promise<void>>(
    (next, link) => (context) => link(context, () => next(context)),
    terminal,
  );
}
