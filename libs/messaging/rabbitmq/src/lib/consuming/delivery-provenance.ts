import type { ConsumeMessage } from 'amqplib';
import { REPLAY_HEADERS } from '../dead-letters/replay-headers';
import { FAULT_HEADERS } from '../publishing/fault-headers';
import { naming } from '../topology/naming';

/** What the library may believe of a delivery's own headers, and the headers it passes on. */
export interface DeliveryProvenance {
  /** Delayed redeliveries behind this delivery: 0 unless it came back from a retry queue. */
  redeliveryCount: number;
  /** Where the message was first published: kept through redeliveries and replays. */
  originalRoute: { exchange: string; routingKey: string };
  /**
   * The broker user that first published it: the `user_id` the broker validated, or, on a copy
   * republished by a trusted user (this service's own retry and dead-letter copies, an
   * operator's replay), the first publisher that copy records. Undefined when not stamped.
   */
  publisher?: string;
  /** The delivery's headers without any a sender may not set (`fault-*`, `redelivery-count`). */
  passedOnHeaders: Record<string, unknown>;
}

/**
 * Senders can set any header, including the ones this library writes when it redelivers or
 * dead-letters a message. Believing them would let a sender skip the retry policy (a forged
 * `redelivery-count`) or make the dead-letter queue show a fault the library never recorded. So:
 * the redelivery count, and the route the message first took, are read only from a delivery the
 * broker brought back from this endpoint's own retry queue (its `x-death` record says so; the
 * broker writes that header), the route also from one an operator replayed; every `fault-*` and
 * `redelivery-count` header is dropped before the message is passed on or dead-lettered, and the
 * library writes its own.
 *
 * Before RabbitMQ 4.0 the broker keeps an `x-death` header that a publisher set, so there a
 * sender who forges one can still shorten the retries of its own message (never another's).
 */
export function deliveryProvenance(
  message: ConsumeMessage,
  queue: string,
  trustedRelays: readonly string[] = [],
): DeliveryProvenance {
  const headers = message.properties.headers ?? {};
  const validatedUser =
    typeof message.properties.userId === 'string' ? message.properties.userId : undefined;
  const recordedPublisher = headers[FAULT_HEADERS.originalPublisher];
  const publisher =
    validatedUser !== undefined &&
    trustedRelays.includes(validatedUser) &&
    typeof recordedPublisher === 'string'
      ? recordedPublisher
      : validatedUser;
  const fromOwnRetryQueue = cameBackFromRetryQueue(headers['x-death'], queue);
  const replayed = headers[REPLAY_HEADERS.replayCount] !== undefined;
  const count = Number(headers[FAULT_HEADERS.redeliveryCount] ?? 0);
  const claimedExchange = headers[FAULT_HEADERS.originalExchange];
  const claimedRoutingKey = headers[FAULT_HEADERS.originalRoutingKey];
  const trustRoute =
    (fromOwnRetryQueue || replayed) &&
    typeof claimedExchange === 'string' &&
    typeof claimedRoutingKey === 'string';
  const passedOnHeaders: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('fault-') && name !== FAULT_HEADERS.redeliveryCount) {
      passedOnHeaders[name] = value;
    }
  }
  return {
    redeliveryCount: fromOwnRetryQueue && Number.isInteger(count) && count >= 0 ? count : 0,
    originalRoute: trustRoute
      ? { exchange: claimedExchange, routingKey: claimedRoutingKey }
      : { exchange: message.fields.exchange, routingKey: message.fields.routingKey },
    publisher,
    passedOnHeaders,
  };
}

/** The broker's most recent dead-lettering of this message was an expiry in `<queue>.retry.*`. */
function cameBackFromRetryQueue(xDeath: unknown, queue: string): boolean {
  if (!Array.isArray(xDeath) || xDeath.length === 0) return false;
  const latest = xDeath[0] as { queue?: unknown; reason?: unknown };
  const retryPrefix = naming.retryQueue(queue, 0).replace(/0ms$/, '');
  return (
    latest.reason === 'expired' &&
    typeof latest.queue === 'string' &&
    latest.queue.startsWith(retryPrefix)
  );
}
