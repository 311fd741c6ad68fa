import type { z } from 'zod';
import type {
  Clock,
  CommandContract,
  Destination,
  EventContract,
  MessageBus,
  MessageEnvelope,
} from '@shopbus/messaging-core';
import { writeHeldOutboxRows } from './held-outbox-rows';
import { OutboxBatch, type OutboxWriteOptions, type ScheduleOptions } from './outbox-batch';
import type { SqlExecutor } from './sql-executor';

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

  /**
   * The time scheduled messages fall due by (the bus's clock). Code that compares against a
   * due time it scheduled (a cart idle for half an hour) reads the time here, so that a test
   * harness's virtual clock moves both alike.
   */
  get clock(): Clock {
    return this.bus.clock;
  }

  /** An event, to every subscriber, once the transaction commits. */
  publish<C extends EventContract>(
    tx: SqlExecutor,
    contract: C,
    payload: z.input<C['schema']>,
    options: OutboxWriteOptions = {},
  ): Promise<MessageEnvelope> {
    return this.writeOne(tx, (batch) => batch.publish(contract, payload, options));
  }

  /** A command, to one queue (`destination`, or the transport's default routing). */
  send<C extends CommandContract>(
    tx: SqlExecutor,
    contract: C,
    payload: z.input<C['schema']>,
    destination?: Destination,
    options: OutboxWriteOptions = {},
  ): Promise<MessageEnvelope> {
    return this.writeOne(tx, (batch) => batch.send(contract, payload, destination, options));
  }

  /** A message delivered later (see `OutboxBatch.schedule`). */
  schedule<C extends EventContract | CommandContract>(
    tx: SqlExecutor,
    contract: C,
    payload: z.input<C['schema']>,
    options: ScheduleOptions,
  ): Promise<MessageEnvelope> {
    return this.writeOne(tx, (batch) => batch.schedule(contract, payload, options));
  }

  /** Several messages written in one statement: see OutboxBatch. */
  batch(): OutboxBatch {
    return new OutboxBatch(this.bus);
  }

  /** Cancels a scheduled message not yet sent; false when it was sent already (or never existed). */
  async cancelScheduled(tx: SqlExecutor, messageId: string): Promise<boolean> {
    // A row this transaction scheduled and still holds (group commit) must be there to delete.
    await writeHeldOutboxRows(tx);
    const deleted = await tx.$executeRaw`
      DELETE FROM outbox_message WHERE message_id = ${messageId}::uuid AND pending`;
    return deleted === 1;
  }

  private async writeOne(
    tx: SqlExecutor,
    add: (batch: OutboxBatch) => MessageEnvelope,
  ): Promise<MessageEnvelope> {
    const batch = this.batch();
    const envelope = add(batch);
    await batch.write(tx);
    return envelope;
  }
}
