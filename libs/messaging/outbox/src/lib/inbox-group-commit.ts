import { AsyncResource } from 'node:async_hooks';
import { holdOutboxRows, stopHoldingOutboxRows, writeHeldOutboxRows } from './held-outbox-rows';
import { Inbox } from './inbox';
import type { SqlQuerier, TransactionRunner } from './sql-executor';

/** One message waiting for its turn in a group's transaction. */
interface Waiting<Tx> {
  readonly messageId: string;
  readonly consumer: string;
  readonly work: (tx: Tx) => Promise<void>;
  readonly resolve: (outcome: 'handled' | 'duplicate') => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for idempotent endpoints: the messages whose handlers start in the same turn of
 * the event loop (the deliveries of one read from the broker, up to the endpoints' prefetch) are
 * handled one after another in ONE transaction: one BEGIN, one statement claiming all their
 * inbox records, each handler's own statements, one COMMIT. Each caller's promise settles once
 * that transaction has committed, so every message is still acked only after its effects and its
 * inbox record are stored, and its outbox rows are published only then.
 *
 * Why: a transaction of its own costs every message two round trips (BEGIN, COMMIT), a claim of
 * its own and a WAL flush, which on two cores is most of what the shop's databases do. Under
 * load the groups grow by themselves (more deliveries arrive per read), so the cost per message
 * falls as the load rises; a lone message is a group of one, handled as before.
 *
 * A group that fails is as if it had never run (it rolled back): each of its messages is then
 * handled again in a transaction of its own, so that one message's failure (a handler that
 * throws, a poison message, a deadlock with another group) fails only that message, which is
 * retried or dead-lettered on its own, never its neighbours. A handler may therefore run once
 * more after its group rolled back: as with any retry, it must change nothing outside its
 * transaction (write through the outbox, not to the broker).
 */
export class InboxGroupCommit<Tx extends SqlQuerier> {
  private waiting: Waiting<Tx>[] = [];
  private scheduled = false;

  constructor(
    private readonly database: TransactionRunner<Tx>,
    /** Most messages in one transaction; more start a group of their own. */
    private readonly maxMessages: number,
    private readonly inbox = new Inbox(),
  ) {}

  once(
    messageId: string,
    consumer: string,
    work: (tx: Tx) => Promise<void>,
  ): Promise<'handled' | 'duplicate'> {
    // Without an id the inbox refuses the message (MalformedMessageError): alone, as always.
    if (!messageId) return this.alone(messageId, consumer, work);
    // The group runs in the async context of whoever started it; each handler must run in its
    // own caller's (its message's trace span, anything else kept in AsyncLocalStorage).
    const inCallersContext = AsyncResource.bind(work);
    return new Promise((resolve, reject) => {
      this.waiting.push({ messageId, consumer, work: inCallersContext, resolve, reject });
      if (this.waiting.length >= this.maxMessages) {
        void this.runGroup();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.runGroup());
      }
    });
  }

  private async runGroup(): Promise<void> {
    this.scheduled = false;
    const group = this.waiting.splice(0, this.maxMessages);
    if (group.length === 0) return;
    if (this.waiting.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.runGroup());
    }
    if (group.length === 1) {
      const [only] = group;
      return this.alone(only.messageId, only.consumer, only.work).then(only.resolve, only.reject);
    }
    let outcomes: ('handled' | 'duplicate')[];
    try {
      outcomes = await this.database.$transaction((tx) => this.handleTogether(tx, group));
    } catch {
      // Rolled back: nothing of the group is stored. Each message on its own, all at once.
      await Promise.all(
        group.map(({ messageId, consumer, work, resolve, reject }) =>
          this.alone(messageId, consumer, work).then(resolve, reject),
        ),
      );
      return;
    }
    group.forEach(({ resolve }, index) => resolve(outcomes[index]));
  }

  private async handleTogether(tx: Tx, group: Waiting<Tx>[]): Promise<('handled' | 'duplicate')[]> {
    const claimed = await this.inbox.claimMany(tx, group);
    const outcomes: ('handled' | 'duplicate')[] = [];
    // The handlers' outbox rows go in with one statement at the end, not one per handler.
    holdOutboxRows(tx);
    try {
      for (const { messageId, consumer, work } of group) {
        // The same message twice in one group: the first takes the claim, the second is a duplicate.
        if (!claimed.delete(Inbox.keyOf(messageId, consumer))) {
          outcomes.push('duplicate');
          continue;
        }
        await work(tx);
        outcomes.push('handled');
      }
      await writeHeldOutboxRows(tx);
    } finally {
      // A group that failed rolls back: the rows it held go with it.
      stopHoldingOutboxRows(tx);
    }
    return outcomes;
  }

  private alone(messageId: string, consumer: string, work: (tx: Tx) => Promise<void>) {
    return this.inbox.handleOnce(this.database, { envelope: { messageId } }, consumer, work);
  }
}
