import type { InboundHandler, InboundMessage } from '../ports/transport';

/**
 * Which messages of an endpoint must be handled one after another: those with the same key.
 * `undefined` puts a message in no partition (handled as soon as it arrives).
 */
export type PartitionKeyOf = (message: InboundMessage) => string | undefined;

/**
 * One conversation at a time: a saga's or a customer's events (everything one order causes
 * carries the order's correlation id). An empty correlation id (a foreign or malformed message)
 * is no key: such a message waits for nothing.
 */
export const byCorrelationId: PartitionKeyOf = (message) =>
  message.metadata.correlationId || undefined;

/**
 * Handles messages with the same partition key one at a time, in the order they arrived, and
 * messages with different keys concurrently (up to the endpoint's prefetch). This keeps the
 * order a prefetch of 1 keeps, per key, without making every other key wait: a queue of one
 * order's events is handled in order while a thousand orders proceed side by side.
 *
 * A message that fails still lets the next one of its key go: how it is settled (retried later,
 * dead-lettered, left with the broker) is the pipeline's answer, resolved or rejected as before.
 * Waiting messages hold their prefetch slots, so a key with a backlog cannot pull in unbounded work.
 */
export function partitionBy(keyOf: PartitionKeyOf, handle: InboundHandler): InboundHandler {
  const lastOfKey = new Map<string, Promise<void>>();
  return (message) => {
    const key = keyOf(message);
    if (key === undefined) return handle(message);
    const previous = lastOfKey.get(key);
    const handled = previous ? previous.then(() => handle(message)) : handle(message);
    // The chain's next link waits for this one to settle, whichever way.
    const settled = handled.then(
      () => undefined,
      () => undefined,
    );
    lastOfKey.set(key, settled);
    void settled.then(() => {
      if (lastOfKey.get(key) === settled) lastOfKey.delete(key);
    });
    return handled;
  };
}
