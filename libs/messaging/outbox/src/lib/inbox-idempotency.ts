import type { Idempotency, MessageContext } from '@shopbus/messaging-core';
import { Inbox } from './inbox';
import { InboxGroupCommit } from './inbox-group-commit';
import type { SqlExecutor, SqlQuerier, TransactionRunner } from './sql-executor';

export interface InboxIdempotencyOptions {
  /**
   * Handle the messages that start together in one transaction, at most this many (see
   * InboxGroupCommit); 1, the default, gives every message a transaction of its own.
   */
  groupCommit?: number;
}

/**
 * The bus's idempotency store on a service's own database: an idempotent endpoint's every
 * attempt runs in a transaction of `database` with its inbox record (consumer = the endpoint's
 * queue), so handlers no longer call `inbox.handleOnce` themselves.
 *
 *     new MessageBus(transport, { source, idempotency: new InboxIdempotency(prisma.sql) })
 *     new InboxIdempotency(database, { groupCommit: 16 })   // many messages per transaction
 */
export class InboxIdempotency<Tx extends SqlQuerier> implements Idempotency {
  private readonly inbox = new Inbox();
  private readonly groups?: InboxGroupCommit<Tx>;

  constructor(
    private readonly database: TransactionRunner<Tx>,
    { groupCommit = 1 }: InboxIdempotencyOptions = {},
  ) {
    if (!Number.isInteger(groupCommit) || groupCommit < 1) {
      throw new RangeError(
        `groupCommit must be a whole number of messages, at least 1: ${groupCommit}`,
      );
    }
    if (groupCommit > 1) this.groups = new InboxGroupCommit(database, groupCommit, this.inbox);
  }

  once(
    messageId: string,
    endpoint: string,
    work: (transaction: Tx) => Promise<void>,
  ): Promise<'handled' | 'duplicate'> {
    if (this.groups) return this.groups.once(messageId, endpoint, work);
    return this.inbox.handleOnce(this.database, { envelope: { messageId } }, endpoint, work);
  }
}

/**
 * The transaction an idempotent endpoint's handler writes in: its inbox record commits with it.
 * `Tx` is the type of the database given to InboxIdempotency (the service's). Throws on an
 * endpoint that is not idempotent, where there is none.
 */
export function transactionOf<Tx extends SqlExecutor>(context: MessageContext): Tx {
  if (!context.transaction) {
    throw new Error(
      `Endpoint "${context.endpoint}" has no transaction: declare it idempotent to have one`,
    );
  }
  return context.transaction as Tx;
}
