import { MalformedMessageError, type MessageContext } from '@shopbus/messaging-core';
import type { SqlExecutor, SqlQuerier, TransactionRunner } from './sql-executor';

/**
 * Exactly-once effects over at-least-once delivery: a handler's database writes and a record of
 * the message (message id + consumer, unique) commit together, so a second delivery of the same
 * message finds the record and changes nothing.
 *
 *     await inbox.handleOnce(prisma, context, 'order.create-order', async (tx) => {
 *       await tx.order.create(...);
 *       await outbox.publish(tx, OrderPlaced, ...);
 *     });
 *
 * Two deliveries at once: the second insert waits on the first's row lock and, once the first
 * commits, finds the record and skips; if the first rolls back, the second does the work.
 */
export class Inbox {
  /**
   * Records the message for `consumer` inside `tx`; false when it was recorded before (a
   * duplicate: do nothing more).
   */
  async claim(tx: SqlExecutor, messageId: string, consumer: string): Promise<boolean> {
    // Without an id every message would be "the same message": the second would be skipped.
    if (!messageId) {
      throw new MalformedMessageError('A message without a message id cannot be deduplicated');
    }
    const inserted = await tx.$executeRaw`
      INSERT INTO inbox_message (message_id, consumer)
      VALUES (${messageId}, ${consumer})
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  /**
   * Records several messages inside `tx` with one statement; returns the keys (`keyOf`) of those
   * recorded now, leaving out the ones recorded before (duplicates). A message listed twice is
   * recorded once.
   */
  async claimMany(
    tx: SqlQuerier,
    messages: readonly { messageId: string; consumer: string }[],
  ): Promise<Set<string>> {
    const claimed = await tx.$queryRaw<{ message_id: string; consumer: string }>`
      INSERT INTO inbox_message (message_id, consumer)
      SELECT * FROM unnest(${messages.map((m) => m.messageId)}::text[],
                           ${messages.map((m) => m.consumer)}::text[])
      ON CONFLICT DO NOTHING
      RETURNING message_id, consumer`;
    return new Set(claimed.map((row) => Inbox.keyOf(row.message_id, row.consumer)));
  }

  /** A message's record as claimMany reports it. */
  static keyOf(messageId: string, consumer: string): string {
    return `${consumer}\u0000${messageId}`;
  }

  /**
   * Runs `work` in a transaction with the inbox record; resolves 'duplicate' without running
   * it when this consumer handled the message before.
   */
  async handleOnce<Tx extends SqlExecutor>(
    database: TransactionRunner<Tx>,
    context: { envelope: Pick<MessageContext['envelope'], 'messageId'> },
    consumer: string,
    work: (tx: Tx) => Promise<void>,
  ): Promise<'handled' | 'duplicate'> {
    return database.$transaction(async (tx) => {
      if (!(await this.claim(tx, context.envelope.messageId, consumer))) return 'duplicate';
      await work(tx);
      return 'handled';
    });
  }
}
