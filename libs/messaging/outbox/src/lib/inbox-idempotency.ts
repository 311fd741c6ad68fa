import type { Idempotency, MessageContext } from '@shopbus/messaging-core';
import { Inbox } from './inbox';
import type { SqlExecutor, TransactionRunner } from './sql-executor';

/**
 * The bus's idempotency store on a service's own database: an idempotent endpoint's every
 * attempt runs in a transaction of `database` with its inbox record (consumer = the endpoint's
 * queue), so handlers no longer call `inbox.handleOnce` themselves.
 *
 *     new MessageBus(transport, { source, idempotency: new InboxIdempotency(prisma.sql) })
 */
export class InboxIdempotency<Tx extends SqlExecutor> implements Idempotency {
  constructor(
    private readonly database: TransactionRunner<Tx>,
    private readonly inbox = new Inbox(),
  ) {}

  once(
    messageId: string,
    endpoint: string,
    work: (transaction: Tx) => Promise<void>,
  ): Promise<'handled' | 'duplicate'> {
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
