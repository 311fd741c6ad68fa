import type { GetMessage } from 'amqplib';
import type { DeadLetteredMessage } from '@shopbus/messaging-core';
import { FAULT_HEADERS } from '../publishing/fault-headers';
import { REPLAY_HEADERS } from './replay-headers';

interface DeathRecord {
  reason?: unknown;
  queue?: unknown;
  exchange?: unknown;
  'routing-keys'?: unknown;
}

/**
 * A message of a dead-letter queue as operators see it: the fault headers the library wrote, or
 * for a message the broker dead-lettered by itself (a quorum queue's delivery limit, a reject
 * from a foreign client) the reason in its `x-death` record.
 */
export function describeDeadLetter(message: GetMessage): DeadLetteredMessage {
  const { properties } = message;
  const headers: Record<string, unknown> = properties.headers ?? {};
  const death = firstDeath(headers);
  const text = (key: string) => (headers[key] === undefined ? undefined : String(headers[key]));
  const attempts = headers[FAULT_HEADERS.attempts];
  return {
    messageId: properties.messageId as string | undefined,
    messageType: properties.type as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    reason:
      text(FAULT_HEADERS.errorMessage) ??
      (death ? `dead-lettered by the broker: ${String(death.reason)}` : 'unknown'),
    errorType: text(FAULT_HEADERS.errorType),
    attempts: attempts === undefined ? undefined : Number(attempts),
    failedAt: text(FAULT_HEADERS.failedAt),
    service: text(FAULT_HEADERS.service),
    originalExchange:
      text(FAULT_HEADERS.originalExchange) ?? (death ? String(death.exchange) : undefined),
    originalRoutingKey:
      text(FAULT_HEADERS.originalRoutingKey) ??
      (death && Array.isArray(death['routing-keys'])
        ? String(death['routing-keys'][0])
        : undefined),
    replayCount: Number(headers[REPLAY_HEADERS.replayCount] ?? 0),
    body: message.content.toString('utf8'),
  };
}

function firstDeath(headers: Record<string, unknown>): DeathRecord | undefined {
  const deaths = headers['x-death'];
  return Array.isArray(deaths) && deaths.length > 0 ? (deaths[0] as DeathRecord) : undefined;
}
