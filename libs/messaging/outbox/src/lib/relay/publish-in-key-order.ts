import type {
  Destination,
  MessageTracing,
  OutboundMessage,
  Transport,
} from '@shopbus/messaging-core';
import type { ClaimedBatch, ClaimTiming } from './claimed-batch';
import type { OutboxRow } from './outbox-row';
import type { RelayMetrics } from './relay-metrics';

/**
 * How the relay puts one row on the wire, resolving once the broker confirmed it; `claim` is
 * when the batch that holds it was claimed.
 */
export type RowPublisher = (row: OutboxRow, claim: ClaimTiming) => Promise<void>;

/**
 * The relay's row publisher: the row as stored, inside its span when tracing is on (the child of
 * the span that wrote it), counted and timed when metrics are.
 */
export function rowPublisher(
  transport: Transport,
  { tracing, metrics }: { tracing?: MessageTracing; metrics?: RelayMetrics },
): RowPublisher {
  const send: RowPublisher = tracing
    ? (row, claim) => tracedPublishRow(tracing, transport, row, claim)
    : (row) => publishRow(transport, row);
  return metrics ? (row, claim) => metrics.publish(row, () => send(row, claim)) : send;
}

/** `sentAt` orders the publishes as they went on the wire, across keys. */
export type FailedPublish = { status: 'failed'; row: OutboxRow; error: unknown; sentAt: number };

export type PublishResult =
  | { status: 'published'; row: OutboxRow }
  | FailedPublish
  /** Not attempted: an earlier row of its key failed, and it must not overtake it. */
  | { status: 'held-back'; row: OutboxRow };

/**
 * Publishes the rows of each partition key one after another, each only once the broker
 * confirmed the one before, so a failure never lets a later message of the key through first;
 * different keys run side by side, pipelined on the confirm channel. Rows of `heldKeys` (keys
 * that failed in the batch before) are held back altogether.
 */
export async function publishInKeyOrder(
  publish: RowPublisher,
  { rows, claim }: Pick<ClaimedBatch, 'rows' | 'claim'>,
  heldKeys: ReadonlySet<string> = new Set(),
): Promise<PublishResult[]> {
  const byKey = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const chain = byKey.get(row.partition_key);
    if (chain) chain.push(row);
    else byKey.set(row.partition_key, [row]);
  }
  let sent = 0;
  const chains = [...byKey].map(async ([key, chain]) => {
    const results: PublishResult[] = [];
    let blocked = heldKeys.has(key);
    for (const row of chain) {
      if (blocked) {
        results.push({ status: 'held-back', row });
        continue;
      }
      const sentAt = sent++;
      try {
        await publish(row, claim);
        results.push({ status: 'published', row });
      } catch (error) {
        results.push({ status: 'failed', row, error, sentAt });
        blocked = true;
      }
    }
    return results;
  });
  return (await Promise.all(chains)).flat();
}

/** The keys whose rows did not all go out: the next batch must not publish past them. */
export function keysNotPublished(results: readonly PublishResult[]): Set<string> {
  return new Set(
    results
      .filter((result) => result.status !== 'published')
      .map((result) => result.row.partition_key),
  );
}

function publishRow(
  transport: Transport,
  row: OutboxRow,
  metadata: OutboundMessage['metadata'] = row.metadata,
): Promise<void> {
  const message: OutboundMessage = { metadata, body: Buffer.from(row.body, 'utf8') };
  if (row.intent === 'publish') return transport.publish(message);
  return transport.send(message, destinationOf(row));
}

/**
 * The row's send in a span of its own, the child of the one that wrote the row, after a span of
 * the claim that took it (one claim serves many rows: each row's trace shows it).
 */
function tracedPublishRow(
  tracing: MessageTracing,
  transport: Transport,
  row: OutboxRow,
  claim: ClaimTiming,
) {
  const { metadata } = row;
  return tracing.relay(
    {
      operation: row.intent,
      messageType: metadata.messageType,
      messageId: metadata.messageId,
      headers: metadata.headers,
      claimed: { ...claim, name: 'claim outbox_message', attributes: CLAIM_ATTRIBUTES },
    },
    (headers) => publishRow(transport, row, { ...metadata, headers }),
  );
}

/** What the claim's span says of it: a locking read of the outbox table. */
const CLAIM_ATTRIBUTES = {
  'db.system.name': 'postgresql',
  'db.operation.name': 'SELECT',
  'db.collection.name': 'outbox_message',
} as const;

function destinationOf(row: OutboxRow): Destination | undefined {
  if (row.queue) return { queue: row.queue };
  if (row.exchange !== null) {
    return { exchange: row.exchange, routingKey: row.routing_key ?? undefined };
  }
  return undefined;
}
