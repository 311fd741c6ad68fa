import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumeContext, ConsumeMiddleware } from '../consuming/consume-context';
import { isRetryable, PublishRejectedError, TransportDisconnectedError } from '../errors';
import type { MessagingLogger } from '../logging/messaging-logger';
import { faultOf, type Fault } from './fault';
import type { RecoverabilityPolicy } from './recoverability-policy';

export interface RecoverabilityOptions {
  policy: RecoverabilityPolicy;
  /** The service whose handlers these are, recorded in every fault. */
  service: string;
  logger: MessagingLogger;
  /**
   * Told of each fault before the message is moved to the dead-letter queue (the bus publishes
   * `<type>.faulted` here). Should it fail because the broker is unreachable or refused the
   * announcement, the message is not dead-lettered but left to the broker, which delivers it
   * again: the announcement is not lost to a passing fault. Any other failure (an announcement
   * that can never be published) is logged and the message dead-lettered all the same, so that it
   * cannot loop.
   */
  beforeDeadLetter?: (fault: Fault, context: ConsumeContext) => Promise<void>;
}

/**
 * The outermost link of every consume pipeline: immediate retries, then delayed redelivery
 * through the broker, then the dead-letter queue. It never lets an error escape for a message
 * it could settle, so a poison message never loops and is never dropped: it ends, with its
 * fault, in `<queue>.dlq`.
 *
 * The delivery's `redeliveryCount` (kept by the transport in the message's headers) says how
 * many delayed redeliveries are behind it, so the count survives the trip through the broker.
 */
export function recoverability(options: RecoverabilityOptions): ConsumeMiddleware {
  const { policy, service, logger, beforeDeadLetter } = options;
  return async (context, next) => {
    const { message } = context;
    let lastError: unknown;
    for (let attempt = 1; attempt <= policy.immediateAttempts; attempt += 1) {
      context.attempt = attempt;
      try {
        await next();
        return;
      } catch (error) {
        lastError = error;
        if (!isRetryable(error)) break;
        if (attempt < policy.immediateAttempts && policy.immediateIntervalMs > 0) {
          await sleep(policy.immediateIntervalMs);
        }
      }
    }

    const level = message.redeliveryCount;
    const fields = { messageId: message.metadata.messageId, queue: context.endpoint };
    if (isRetryable(lastError) && level < policy.redeliveryDelaysMs.length) {
      const delayMs = policy.redeliveryDelaysMs[level];
      logger.warn('handler failed; redelivering later', {
        ...fields,
        delayMs,
        error: String(lastError),
      });
      await message.redeliverLater(delayMs);
      context.settled = { as: 'redelivered', error: lastError };
      return;
    }
    const attemptsBefore = level * policy.immediateAttempts;
    const fault = faultOf(lastError, context, attemptsBefore, service);
    logger.error('message dead-lettered', {
      ...fields,
      error: fault.errorMessage,
      attempts: fault.attempts,
    });
    try {
      await beforeDeadLetter?.(fault, context);
    } catch (error) {
      if (error instanceof TransportDisconnectedError || error instanceof PublishRejectedError) {
        throw error;
      }
      logger.error('fault announcement failed; dead-lettering without it', {
        ...fields,
        error: String(error),
      });
    }
    await message.deadLetter(fault);
    context.settled = { as: 'dead-lettered', error: lastError };
  };
}
