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
  /**
   * The sources that may publish or send a type (`sendersOf(contracts)`: what each contract's
   * `senders` says); undefined for a type anyone may. A message of such a type from another
   * source is refused, even from its own user: a service cannot send what is not its to send
   * (through the default exchange, straight into a queue). Trusted users are exempt.
   */
  senders?: (messageType: string) => readonly string[] | undefined;
}

/** Each contract's `senders`, by type, for `verifiedPublishers`. */
export function sendersOf(
  contracts: readonly { type: string; senders?: readonly string[] }[],
): (messageType: string) => readonly string[] | undefined {
  const byType = new Map(contracts.map((contract) => [contract.type, contract.senders]));
  return (messageType) => byType.get(messageType);
}

/**
 * Believes a message's `source` only when the transport authenticated its publisher as that
 * source's user (RabbitMQ: the `user_id` the broker validated). A message that says it comes
 * from `order` but was published by the `cart` user, or whose publisher the transport cannot
 * tell, is refused before any handler runs: non-retryable, so it is dead-lettered with the
 * reason, and a saga never acts on a forged `order.cancelled` or fault event. With `senders`,
 * a source must also be one the message's contract allows.
 */
export function verifiedPublishers(options: VerifiedPublishersOptions = {}): ConsumeMiddleware {
  const trusted = new Set(options.trusted ?? []);
  return async (context, next) => {
    const { metadata, publisher } = context.message;
    if (publisher !== undefined && trusted.has(publisher)) return next();
    const expected = options.usersBySource?.[metadata.source] ?? metadata.source;
    if (publisher === undefined || publisher !== expected) {
      throw new NonRetryableError(
        `"${metadata.messageType}" says it comes from "${metadata.source}", but ` +
          (publisher === undefined
            ? 'its publisher is not known'
            : `broker user "${publisher}" published it`),
      );
    }
    const allowed = options.senders?.(metadata.messageType);
    if (allowed && !allowed.includes(metadata.source)) {
      throw new NonRetryableError(
        `"${metadata.messageType}" may be sent only by ${allowed.join(', ')}, ` +
          `not by "${metadata.source}"`,
      );
    }
    await next();
  };
}
