import { NonRetryableError } from '../errors';
import type { ConsumeMiddleware } from './consume-context';

export interface VerifiedPublishersOptions {
  /**
   * The broker user each source publishes as. A source not listed must publish as the user of
   * its own name (the shop's convention: a service's broker user is its name).
   */
  usersBySource?: Readonly<Record<string, string>>;
  /** Users who may publish as any source: operators, and the tools they run. Default none. */
  trusted?: readonly string[];
}

/**
 * Believes a message's `source` only when the transport authenticated its publisher as that
 * source's user (RabbitMQ: the `user_id` the broker validated). A message that says it comes
 * from `order` but was published by the `cart` user, or whose publisher the transport cannot
 * tell, is refused before any handler runs: non-retryable, so it is dead-lettered with the
 * reason, and a saga never acts on a forged `order.cancelled` or fault event.
 */
export function verifiedPublishers(options: VerifiedPublishersOptions = {}): ConsumeMiddleware {
  const trusted = new Set(options.trusted ?? []);
  return async (context, next) => {
    const { metadata, publisher } = context.message;
    const expected = options.usersBySource?.[metadata.source] ?? metadata.source;
    if (publisher === undefined || (publisher !== expected && !trusted.has(publisher))) {
      throw new NonRetryableError(
        `"${metadata.messageType}" says it comes from "${metadata.source}", but ` +
          (publisher === undefined
            ? 'its publisher is not known'
            : `broker user "${publisher}" published it`),
      );
    }
    await next();
  };
}
