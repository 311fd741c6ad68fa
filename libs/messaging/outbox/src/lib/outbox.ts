import type { z } from 'zod';
import type {
  CommandContract,
  Destination,
  EventContract,
  MessageBus,
  MessageEnvelope,
  OutgoingOptions,
} from '@shopbus/messaging-core';
import { OUTBOX_NOTIFY_CHANNEL, sliceOf } from './outbox-table';
import type { SqlExecutor } from './sql-executor';

export interface ScheduleOptions extends OutgoingOptions {
  /** When to deliver: a time, or a delay from now. */
  at?: Date;
  delayMs?: number;
  /** For a command: where to send it (default: the transport's routing by type). */
  destination?: Destination;
}

export interface OutboxWriteOptions extends OutgoingOptions {
  /**
   * Messages with the same key are published in the order they were written. Default: the
   * correlation id, so that everything one order (one conversation) causes stays in order.
   */
  partitionKey?: string;
}

/**
 * Writes messages into the service's outbox table inside the caller's database transaction:
 *
 *     await prisma.$transaction(async (tx) => {
 *       await tx.order.create({ data: order });
 *       await outbox.publish(tx, OrderPlaced, { orderId: order.id, ... });
 *     });
 *
 * Rolled back, nothing is ever published; committed, the relay publishes it at least once, even
 * if the broker is down or the process dies right after the commit. The payload is validated and
 * the envelope built (correlation carried from the message being handled) exactly as
 * `bus.publish` would, at write time.
 */
export class Outbox {
  constructor(private readonly bus: MessageBus) {}

  /** An event, to every subscriber, once the transaction commits. */
  publish<C extends EventContract>(
    tx: SqlExecutor,
    contract: C,
    payload: z.input<C['schema']>,
    options: OutboxWriteOptions = {},
  ): Promise<MessageEnvelope> {
    return this.write(tx, 'publish', this.bus.envelope(contract, payload, options), options);
  }

  /** A command, to one queue (`destination`, or the transport's default routing). */
  send<C extends CommandContract>(
    tx: SqlExecutor,
    contract: C,
    payload: z.input<C['schema']>,
    destination?: Destination,
    options: OutboxWriteOptions = {},
  ): Promise<MessageEnvelope> {
    return this.write(
      tx,
      'send',
      this.bus.envelope(contract, payload, options),
      options,
      destination,
    );
  }

  /**
   * A message delivered later: a timeout a saga sets, a check of an abandoned cart. Stored in the
   * outbox with its due time, inside the caller's transaction, so it is as durable as the
   * business change and can be cancelled with it (`cancelScheduled`). Its partition key is its
   * own id: it neither waits for, nor holds up, any other message. Delivered within the relay's
   * poll interval after it falls due.
   */
  schedule<C extends EventContract | CommandContract>(
    tx: SqlExecutor,
    contract: C,
    payload: z.input<C['schema']>,
    options: ScheduleOptions,
  ): Promise<MessageEnvelope> {
    const dueAt = options.at ?? new Date(Date.now() + (options.delayMs ?? 0));
    const envelope = this.bus.envelope(contract, payload, options);
    return this.write(
      tx,
      contract.kind === 'event' ? 'publish' : 'send',
      envelope,
      { partitionKey: envelope.messageId },
      options.destination,
      dueAt,
    );
  }

  /** Cancels a scheduled message not yet sent; false when it was sent already (or never existed). */
  async cancelScheduled(tx: SqlExecutor, messageId: string): Promise<boolean> {
    const deleted = await tx.$executeRaw`
      DELETE FROM outbox_message WHERE message_id = ${messageId}::uuid AND pending`;
    return deleted === 1;
  }

  private async write(
    tx: SqlExecutor,
    intent: 'publish' | 'send',
    envelope: MessageEnvelope,
    options: OutboxWriteOptions,
    destination?: Destination,
    dueAt = new Date(),
  ): Promise<MessageEnvelope> {
    const { payload, ...metadata } = envelope;
    const partitionKey = options.partitionKey ?? envelope.correlationId;
    const exchange = destination && 'exchange' in destination ? destination.exchange : null;
    const routingKey =
      destination && 'exchange' in destination ? (destination.routingKey ?? null) : null;
    const queue = destination && 'queue' in destination ? destination.queue : null;
    // One statement: the row, and a notification the relays receive when (if) this commits.
    await tx.$executeRaw`
      WITH written AS (
        INSERT INTO outbox_message
          (message_id, partition_key, slice, intent, message_type,
           exchange, routing_key, queue, metadata, payload, next_attempt_at)
        VALUES
          (${envelope.messageId}::uuid, ${partitionKey}, ${sliceOf(partitionKey)}, ${intent},
           ${envelope.messageType}, ${exchange}, ${routingKey}, ${queue},
           ${JSON.stringify(metadata)}::jsonb, ${JSON.stringify(payload)}::jsonb, ${dueAt})
        RETURNING 1
      )
      SELECT pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '') FROM written`;
    return envelope;
  }
}
