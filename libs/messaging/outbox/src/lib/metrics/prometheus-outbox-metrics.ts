import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutboxRelay } from '../relay/outbox-relay';

/**
 * Exposes a relay's metrics on a prom-client registry: the table's state is read at scrape time
 * (one small query), the relay's own counts as counters.
 *
 *   shopbus_outbox_pending_messages, shopbus_outbox_oldest_pending_age_seconds,
 *   shopbus_outbox_failed_messages, shopbus_outbox_published_total, shopbus_outbox_gave_up_total
 */
export function registerOutboxMetrics(registry: Registry, relay: OutboxRelay): void {
  // The registry collects every metric at once: one read of the table serves them all.
  let snapshot: ReturnType<OutboxRelay['metrics']> | undefined;
  let takenAt = 0;
  const read = () => {
    if (!snapshot || Date.now() - takenAt > 250) {
      snapshot = relay.metrics();
      takenAt = Date.now();
    }
    return snapshot;
  };
  new Gauge({
    name: 'shopbus_outbox_pending_messages',
    help: 'Outbox rows written and not yet published',
    registers: [registry],
    async collect() {
      this.set((await read()).pending);
    },
  });
  new Gauge({
    name: 'shopbus_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unpublished outbox row',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestPendingAgeMs / 1000);
    },
  });
  new Gauge({
    name: 'shopbus_outbox_failed_messages',
    help: 'Outbox rows the relay gave up on after their last attempt',
    registers: [registry],
    async collect() {
      this.set((await read()).failed);
    },
  });
  new Counter({
    name: 'shopbus_outbox_published_total',
    help: 'Outbox rows this process published',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc((await read()).publishedByThisRelay);
    },
  });
  new Counter({
    name: 'shopbus_outbox_gave_up_total',
    help: 'Outbox rows this process moved to the failed state',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc((await read()).failedByThisRelay);
    },
  });
}
