import type { ConsumeMiddleware } from './consume-context';

/**
 * Where an idempotent endpoint records what it handled (the outbox library's inbox is one).
 * `once` runs `work` inside a transaction that also records `(messageId, endpoint)`, and resolves
 * 'duplicate' without running it when that record exists: the work and the record commit or roll
 * back together, so a redelivered message changes nothing the second time.
 */
export interface Idempotency {
  once(
    messageId: string,
    endpoint: string,
    work: (transaction: unknown) => Promise<void>,
  ): Promise<'handled' | 'duplicate'>;
}

/**
 * The innermost link of an idempotent endpoint's pipeline: each attempt (an immediate retry
 * included) gets a transaction of its own, which the handler reads as `context.transaction`.
 * Only messages of the types `handles` accepts take part: an endpoint's fallback (which knows no
 * contracts, e.g. one that skips what it has no template for) runs as it is, without a transaction.
 */
export function idempotent(
  idempotency: Idempotency,
  handles: (messageType: string) => boolean = () => true,
): ConsumeMiddleware {
  return async (context, next) => {
    if (!handles(context.message.metadata.messageType)) return next();
    await idempotency.once(context.message.metadata.messageId, context.endpoint, async (tx) => {
      context.transaction = tx;
      try {
        await next();
      } finally {
        context.transaction = undefined;
      }
    });
  };
}
