import type { Meter } from '@opentelemetry/api';
import type { OutboxRelay } from '../relay/outbox-relay';

/**
 * A relay's state as OpenTelemetry observable instruments, read when the meter is collected (a
 * Prometheus scrape): the table's state by one small query for all of them, the relay's own
 * counts as counters. Named as Prometheus shows them:
 *
 *   shopbus_outbox_pending_messages             rows written and not yet published
 *   shopbus_outbox_oldest_pending_age_seconds   age of the oldest due, unpublished row
 *   shopbus_outbox_failed_messages              rows the relay gave up on
 *   shopbus_outbox_published_total              rows this process published
 *   shopbus_outbox_gave_up_total                rows this process moved to the failed state
 */
export function observeOutbox(meter: Meter, relay: OutboxRelay): void {
  const gauge = (name: string, description: string, unit?: string) =>
    meter.createObservableGauge(name, { description, unit });
  const counter = (name: string, description: string) =>
    meter.createObservableCounter(name, { description });
  const pending = gauge('shopbus_outbox_pending_messages', 'Outbox rows not yet published');
  const oldest = gauge(
    'shopbus_outbox_oldest_pending_age_seconds',
    'Age of the oldest due, unpublished outbox row',
    's',
  );
  const failed = gauge('shopbus_outbox_failed_messages', 'Outbox rows the relay gave up on');
  const published = counter('shopbus_outbox_published_total', 'Outbox rows this process published');
  const gaveUp = counter(
    'shopbus_outbox_gave_up_total',
    'Outbox rows this process moved to the failed state',
  );
  meter.addBatchObservableCallback(
    async (result) => {
      const state = await relay.metrics();
      result.observe(pending, state.pending);
      result.observe(oldest, state.oldestPendingAgeMs / 1000);
      result.observe(failed, state.failed);
      result.observe(published, state.publishedByThisRelay);
      result.observe(gaveUp, state.failedByThisRelay);
    },
    [pending, oldest, failed, published, gaveUp],
  );
}
