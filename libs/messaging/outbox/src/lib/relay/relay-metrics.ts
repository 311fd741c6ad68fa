import {
  MESSAGING_SECONDS_BUCKETS,
  type Clock,
  type MessageMetrics,
} from '@shopbus/messaging-core';
import type { Histogram } from '@opentelemetry/api';
import type { OutboxRow } from './outbox-row';

/**
 * The relay's metrics beside the bus's: its sends counted and timed as the bus counts its own
 * (`messaging.client.sent.messages`, `messaging.client.operation.duration`), and
 *
 *   shopbus.outbox.relay.lag   histogram, seconds: from a row falling due (written, or the time it
 *                              was scheduled for, whichever is later) to the broker's confirm of
 *                              its first attempt; how stale an event is when it leaves
 *
 * A row published after failed attempts is not in the lag (its retries are the relay's failure
 * metrics' business).
 */
export class RelayMetrics {
  private readonly lag: Histogram;

  constructor(
    private readonly messages: MessageMetrics,
    private readonly clock?: Clock,
  ) {
    this.lag = messages.meter.createHistogram('shopbus.outbox.relay.lag', {
      description: "From an outbox row falling due to the broker's confirm of its first attempt",
      unit: 's',
      advice: { explicitBucketBoundaries: MESSAGING_SECONDS_BUCKETS },
    });
  }

  /** Runs one row's publish, counted and timed; its lag recorded once the broker confirmed it. */
  async publish(row: OutboxRow, publish: () => Promise<void>): Promise<void> {
    const { messageType, sentAt } = row.metadata;
    await this.messages.produce({ operation: row.intent, messageType }, publish);
    if (row.attempts > 0) return;
    const due = Math.max(Date.parse(sentAt), row.next_attempt_at.getTime());
    const now = this.clock?.now() ?? Date.now();
    this.lag.record(Math.max(0, now - due) / 1000, { 'shopbus.message.type': messageType });
  }
}
