import type { z } from 'zod';
import type {
  CommandContract,
  Destination,
  EventContract,
  MessageBus,
  MessageEnvelope,
  OutgoingOptions,
} from '@shopbus/messaging-core';
import { heldOutboxRowsOf } from './held-outbox-rows';
import { insertOutboxRows, type OutboxRow } from './outbox-rows';
import { sliceOf } from './outbox-table';
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
 * Messages for the outbox, gathered and then written in one statement: a handler that publishes
 * an event, sends a command and schedules a deadline pays one round trip, not three. Each
 * message is validated and its envelope built (correlation carried from the message being
 * handled) as it is added, exactly as `bus.publish` would; the envelope is returned at once, so
 * its id can be stored with the business change (a saga's deadline, to cancel it later).
 * Nothing is written until `write`, which must run inside the business change's transaction.
 *
 *     const messages = outbox.batch();
 *     const deadline = messages.schedule(DeadlinePassed, { orderId }, { delayMs });
 *     messages.publish(OrderPlaced, { orderId, ... });
 *     await messages.write(tx);
 */
export class OutboxBatch {
  private rows: OutboxRow[] = [];

  constructor(private readonly bus: MessageBus) {}

  /** An event, to every subscriber, once the transaction commits. */
  publish<C extends EventContract>(
    contract: C,
    payload: z.input<C['schema']>,
    options: OutboxWriteOptions = {},
  ): MessageEnvelope {
    return this.add('publish', this.bus.envelope(contract, payload, options), options);
  }

  /** A command, to one queue (`destination`, or the transport's default routing). */
  send<C extends CommandContract>(
    contract: C,
    payload: z.input<C['schema']>,
    destination?: Destination,
    options: OutboxWriteOptions = {},
  ): MessageEnvelope {
    return this.add('send', this.bus.envelope(contract, payload, options), options, destination);
  }

  /**
   * A message delivered later: a timeout a saga sets, a check of an abandoned cart. Stored with
   * its due time, as durable as the business change and cancellable with it
   * (`Outbox.cancelScheduled`). Its partition key is its own id: it neither waits for, nor holds
   * up, any other message. Delivered within the relay's poll interval after it falls due.
   */
  schedule<C extends EventContract | CommandContract>(
    contract: C,
    payload: z.input<C['schema']>,
    options: ScheduleOptions,
  ): MessageEnvelope {
    const dueAt = options.at ?? new Date(this.bus.clock.now() + (options.delayMs ?? 0));
    const envelope = this.bus.envelope(contract, payload, options);
    return this.add(
      contract.kind === 'event' ? 'publish' : 'send',
      envelope,
      { partitionKey: envelope.messageId },
      options.destination,
      dueAt,
    );
  }

  get size(): number {
    return this.rows.length;
  }

  /**
   * Writes every message added so far, in the order added, inside `tx`: one statement that also
   * notifies the relays (delivered at commit). Writing an empty batch does nothing. Where `tx`
   * handles several messages at once (InboxGroupCommit), the rows are held and written with the
   * other messages' rows in one statement before it commits.
   */
  async write(tx: SqlExecutor): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    // In a transaction of several messages (group commit), the rows join the ones held for it.
    const held = heldOutboxRowsOf(tx);
    if (held) held.push(...rows);
    else await insertOutboxRows(tx, rows);
  }

  private add(
    intent: 'publish' | 'send',
    envelope: MessageEnvelope,
    options: OutboxWriteOptions,
    destination?: Destination,
    dueAt = new Date(this.bus.clock.now()),
  ): MessageEnvelope {
    const { payload, ...metadata } = envelope;
    const partitionKey = options.partitionKey ?? envelope.correlationId;
    const viaExchange = destination && 'exchange' in destination ? destination : undefined;
    this.rows.push({
      message_id: envelope.messageId,
      partition_key: partitionKey,
      slice: sliceOf(partitionKey),
      intent,
      message_type: envelope.messageType,
      exchange: viaExchange?.exchange ?? null,
      routing_key: viaExchange?.routingKey ?? null,
      queue: destination && 'queue' in destination ? destination.queue : null,
      metadata,
      payload,
      next_attempt_at: dueAt.toISOString(),
    });
    return envelope;
  }
}
