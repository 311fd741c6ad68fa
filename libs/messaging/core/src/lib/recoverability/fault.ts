import type { ConsumeContext } from '../consuming/consume-context';

/** Why a message was given up, as stored with it in the dead-letter queue. */
export interface Fault {
  readonly errorMessage: string;
  /** The error's class name, e.g. `MessageValidationError`. */
  readonly errorType: string;
  /** The first lines of the stack: enough to find the throw, not a page of framework frames. */
  readonly stack: string;
  /** Handler invocations in all, across immediate retries and redeliveries. */
  readonly attempts: number;
  readonly failedAt: string;
  /** The service whose handler gave up. */
  readonly service: string;
}

const STACK_LINES = 8;

export function faultOf(
  error: unknown,
  context: ConsumeContext,
  attemptsSoFar: number,
  service: string,
): Fault {
  const asError = error instanceof Error ? error : new Error(String(error));
  return {
    errorMessage: asError.message,
    errorType: asError.name || asError.constructor.name,
    stack: (asError.stack ?? '').split('\n').slice(0, STACK_LINES).join('\n'),
    attempts: attemptsSoFar + context.attempt,
    failedAt: new Date().toISOString(),
    service,
  };
}
