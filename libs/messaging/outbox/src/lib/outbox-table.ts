/**
 * Constants the outbox's writers and relays must agree on. The tables (`outbox_message`,
 * `inbox_message`) are defined once in libs/messaging/outbox/prisma/outbox.prisma, which every
 * service's schema includes; the library's SQL names them literally.
 */

/** Written rows NOTIFY this channel (delivered at commit), waking the relays at once. */
export const OUTBOX_NOTIFY_CHANNEL = 'shopbus_outbox';

/**
 * Which rows are failed, as every query of them says it: a failed row is no longer pending and
 * has used attempts (settleBatch sets both, retryFailed resets both), which puts it in
 * outbox_message_retry_idx among the few rows that ever failed an attempt. By `failed_at` alone
 * (no index) a query reads every row the outbox keeps.
 */
export const FAILED_ROWS = 'pending = false AND attempts > 0 AND failed_at IS NOT NULL';

/**
 * Partition keys hash into this many slices; a relay owns whole slices, so each key is published
 * by one relay at a time and keeps its order. More slices than relays lets the work spread.
 */
export const OUTBOX_SLICES = 64;

/** Session advisory locks (two-int form) held by relays: one per owned slice, one per relay. */
export const ADVISORY_LOCKS = {
  slice: 0x5b05_0001,
  relay: 0x5b05_0002,
} as const;

/**
 * FNV-1a over the key's UTF-8 bytes: computed by the writer, stable across Postgres versions and
 * languages, so the slice a key maps to never changes under a running outbox.
 */
export function sliceOf(partitionKey: string, slices = OUTBOX_SLICES): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(partitionKey, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % slices;
}
