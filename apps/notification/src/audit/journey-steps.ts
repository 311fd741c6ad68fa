import { Inject, Injectable } from '@nestjs/common';
import type { Histogram } from '@opentelemetry/api';
import { CartCheckedOut, OrderDelivered, OrderPlaced, OrderShipped } from '@shopbus/contracts';
import { MESSAGING_SECONDS_BUCKETS } from '@shopbus/messaging-core';
import { SERVICE_METRICS, type ServiceMetrics } from '@shopbus/platform';

/**
 * An order's journey as the audit log sees it: each step from one event to the next of the same
 * order (their correlation id), timed by the events' own send times, so that it does not depend
 * on when the audit log heard of them.
 */
export const JOURNEY_STEPS = [
  { step: 'checkout-to-placed', from: CartCheckedOut.type, to: OrderPlaced.type },
  { step: 'placed-to-shipped', from: OrderPlaced.type, to: OrderShipped.type },
  { step: 'shipped-to-delivered', from: OrderShipped.type, to: OrderDelivered.type },
] as const;

/** One step the audit log completed: both its events are stored now, one of them just now. */
export interface CompletedStep {
  step: string;
  seconds: number;
}

/**
 * `shop.order.step.duration{step}` (seconds): one histogram, a series per step of the journey.
 * The audit log records a step once, when the second of its two events is stored (stored only
 * once whatever the redeliveries), so each order's step counts once.
 */
@Injectable()
export class JourneyStepMetrics {
  private readonly duration: Histogram;

  constructor(@Inject(SERVICE_METRICS) metrics: ServiceMetrics) {
    this.duration = metrics.meter.createHistogram('shop.order.step.duration', {
      description: "An order's step, from its first event to the next (checkout to placed, …)",
      unit: 's',
      advice: { explicitBucketBoundaries: [...MESSAGING_SECONDS_BUCKETS, 60, 300, 3600] },
    });
  }

  record(steps: readonly CompletedStep[]): void {
    for (const { step, seconds } of steps) this.duration.record(Math.max(0, seconds), { step });
  }
}
