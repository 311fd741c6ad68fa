import type { MessageProperties, Options } from 'amqplib';
import { FAULT_HEADERS } from '../publishing/fault-headers';

/** Headers a replayed message carries, so that its history stays visible. */
export const REPLAY_HEADERS = {
  replayCount: 'replay-count',
  replayedAt: 'replayed-at',
} as const;

/** Where the message first came from: kept, so that a second fault still reports it. */
const KEPT_ON_REPLAY = new Set<string>([
  FAULT_HEADERS.originalExchange,
  FAULT_HEADERS.originalRoutingKey,
  FAULT_HEADERS.originalPublisher,
]);

/** Broker-written dead-letter records; the broker adds fresh ones if it dead-letters again. */
const BROKER_DEATH_HEADERS = new Set([
  'x-death',
  'x-first-death-reason',
  'x-first-death-queue',
  'x-first-death-exchange',
  'x-last-death-reason',
  'x-last-death-queue',
  'x-last-death-exchange',
]);

/**
 * The properties a dead-lettered message is replayed with: every property (messageId,
 * correlationId, type, timestamps) and application header as it was, the fault and the
 * redelivery count removed (so the recoverability policy starts again from its first attempt),
 * and the replay counted and dated.
 */
export function replayProperties(
  properties: MessageProperties,
  now: Date,
  /** The broker user replaying it (RabbitMQ checks `user_id` against the connection's user). */
  replayer?: string,
): Options.Publish {
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties.headers ?? {})) {
    const isFault =
      (Object.values(FAULT_HEADERS) as string[]).includes(key) && !KEPT_ON_REPLAY.has(key);
    if (!isFault && !BROKER_DEATH_HEADERS.has(key)) headers[key] = value;
  }
  const replayCount = Number(properties.headers?.[REPLAY_HEADERS.replayCount] ?? 0) + 1;
  return {
    ...(properties as Options.Publish),
    userId: replayer,
    headers: {
      ...headers,
      [REPLAY_HEADERS.replayCount]: replayCount,
      [REPLAY_HEADERS.replayedAt]: now.toISOString(),
    },
  };
}
