import type { ConsumeContext } from './consume-context';

/**
 * What became of a delivery: handled (at the first attempt), retried (handled after immediate
 * retries), redelivered (handed back for a delayed redelivery), dead-lettered, or failed (left
 * unacknowledged: the transport's own error handling takes it from there).
 */
export type DeliveryOutcome = 'handled' | 'retried' | 'redelivered' | 'dead-lettered' | 'failed';

/** The outcome of a delivery whose pipeline resolved (recoverability records a give-up). */
export function resolvedOutcome(context: ConsumeContext): DeliveryOutcome {
  return context.settled?.as ?? (context.attempt > 1 ? 'retried' : 'handled');
}
