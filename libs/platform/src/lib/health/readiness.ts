import type { TransportStatus } from '@shopbus/messaging-core';
import type { OutboxMetrics } from '@shopbus/messaging-outbox';

/** One part of the readiness answer: up or down, with what an operator needs to see why. */
export interface ReadinessPart {
  up: boolean;
  details: Record<string, unknown>;
}

/**
 * The broker part: connected, and not holding publishers back. A blocked connection fails
 * nothing, it just waits, so every request that publishes would hang: not ready.
 */
export function brokerReadiness(status: TransportStatus): ReadinessPart {
  if (!status.connected) {
    return { up: false, details: { message: 'not connected to RabbitMQ (reconnecting)' } };
  }
  if (status.blocked) {
    return { up: false, details: { message: `RabbitMQ blocks publishing: ${status.blocked}` } };
  }
  return { up: true, details: {} };
}

/** Every endpoint has its consumer attached: a queue nobody consumes is work left undone. */
export function consumersReadiness(status: TransportStatus): ReadinessPart {
  const details = { endpoints: status.endpoints.length, idle: [...status.idleEndpoints] };
  return status.idleEndpoints.length === 0 || !status.connected
    ? // While disconnected every consumer is idle; the broker part says so already.
      { up: status.connected, details }
    : {
        up: false,
        details: { ...details, message: 'endpoints without a consumer (re-attaching)' },
      };
}

/**
 * The outbox part: the relay keeps up when no due row has waited longer than `stallAfterMs`.
 * Rows scheduled for later and failed rows are shown, not judged (a failed row is an operator's
 * task, not a reason to take the service out of rotation).
 */
export function outboxReadiness(
  metrics: OutboxMetrics | Error,
  stallAfterMs: number,
): ReadinessPart {
  if (metrics instanceof Error) {
    return { up: false, details: { message: `outbox unreadable: ${metrics.message}` } };
  }
  const details = {
    pending: metrics.pending,
    scheduled: metrics.scheduled,
    oldestPendingAgeMs: metrics.oldestPendingAgeMs,
    failed: metrics.failed,
  };
  return metrics.oldestPendingAgeMs <= stallAfterMs
    ? { up: true, details }
    : {
        up: false,
        details: {
          ...details,
          message: `the relay is behind: a due row has waited ${metrics.oldestPendingAgeMs} ms (limit ${stallAfterMs} ms)`,
        },
      };
}
