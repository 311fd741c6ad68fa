/**
 * How hard the library tries before it gives a message up to the dead-letter queue. A failing
 * handler is first retried in-process (`immediateAttempts`), for faults that pass in
 * milliseconds; then the message leaves the consumer and comes back after each of
 * `redeliveryDelaysMs` in turn, for faults that pass in seconds or minutes (a restarting
 * dependency); then it is dead-lettered with the error attached.
 *
 * A handler therefore runs at most `immediateAttempts × (redeliveryDelaysMs.length + 1)` times.
 * Errors marked non-retryable (bad JSON, unknown type, schema violation, NonRetryableError) skip
 * every retry and go straight to the dead-letter queue.
 */
export interface RecoverabilityPolicy {
  /** Handler invocations per delivery, counting the first. 1 disables immediate retries. Default 3. */
  readonly immediateAttempts: number;
  /** Pause between immediate attempts. Default 100 ms. */
  readonly immediateIntervalMs: number;
  /** Delay before each broker-side redelivery; [] disables delayed redelivery. Default 1 s, 10 s, 60 s. */
  readonly redeliveryDelaysMs: readonly number[];
  /** Publish `<type>.faulted` when a message is dead-lettered, so that a saga can react. Default false. */
  readonly publishFaultEvents: boolean;
}

export const defaultRecoverabilityPolicy: RecoverabilityPolicy = Object.freeze({
  immediateAttempts: 3,
  immediateIntervalMs: 100,
  redeliveryDelaysMs: Object.freeze([1_000, 10_000, 60_000]),
  publishFaultEvents: false,
});

export function recoverabilityPolicy(
  overrides: Partial<RecoverabilityPolicy> = {},
): RecoverabilityPolicy {
  const policy = { ...defaultRecoverabilityPolicy, ...overrides };
  if (!Number.isInteger(policy.immediateAttempts) || policy.immediateAttempts < 1) {
    throw new Error(`immediateAttempts must be an integer >= 1, got ${policy.immediateAttempts}`);
  }
  if (policy.redeliveryDelaysMs.some((delay) => !Number.isInteger(delay) || delay <= 0)) {
    throw new Error(
      `redeliveryDelaysMs must be positive integers, got [${policy.redeliveryDelaysMs.join(', ')}]`,
    );
  }
  return policy;
}
