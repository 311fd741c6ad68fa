import type { DeadLetter, StoredMessage } from './stored-message';

/** What a consumer does with a delivery: resolves once settled, `true` to acknowledge. */
export type Delivery = (message: StoredMessage) => Promise<boolean>;

interface Consumer {
  readonly prefetch: number;
  readonly deliver: Delivery;
  inFlight: number;
  readonly settled: Set<Promise<void>>;
}

/**
 * One queue: messages in arrival order, handed to its consumers round robin, each holding at most
 * its prefetch unacknowledged, as a RabbitMQ queue does. A delivery its consumer did not
 * acknowledge goes back to the head of the queue marked redelivered, once; failing again, it is
 * dead-lettered by the queue itself (its reason: rejected), so that nothing loops or is lost.
 */
export class InMemoryQueue {
  private readonly ready: StoredMessage[] = [];
  private readonly consumers: Consumer[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private unacked = 0;
  private nextConsumer = 0;
  private dispatchScheduled = false;

  constructor(
    readonly name: string,
    private readonly hooks: {
      /** Told whenever the queue's work changes (a message in or out, a settle). */
      changed(): void;
      /** A delivery failed twice: the broker dead-letters it (reason: rejected). */
      rejected(message: StoredMessage): void;
    },
  ) {}

  /** True while it holds work that will progress by itself: deliveries out, or messages a consumer can take. */
  get busy(): boolean {
    return (
      this.unacked > 0 ||
      this.dispatchScheduled ||
      (this.ready.length > 0 && this.consumers.length > 0)
    );
  }

  enqueue(message: StoredMessage, atHead = false): void {
    if (atHead) this.ready.unshift(message);
    else this.ready.push(message);
    this.scheduleDispatch();
  }

  /** Adds to the dead-letter queue (through the broker, which tells its observers). */
  addDeadLetter(entry: DeadLetter): void {
    this.deadLetters.push(entry);
    this.hooks.changed();
  }

  /** Adds a consumer; the returned function stops it, resolving once its deliveries are settled. */
  consume(prefetch: number, deliver: Delivery): () => Promise<void> {
    const consumer: Consumer = { prefetch, deliver, inFlight: 0, settled: new Set() };
    this.consumers.push(consumer);
    this.scheduleDispatch();
    return async () => {
      const at = this.consumers.indexOf(consumer);
      if (at >= 0) this.consumers.splice(at, 1);
      await Promise.allSettled([...consumer.settled]);
    };
  }

  /** Dispatch runs on a later turn of the event loop: a publisher's await resolves first, as with a broker. */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) {
      this.hooks.changed();
      return;
    }
    this.dispatchScheduled = true;
    this.hooks.changed();
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
      this.hooks.changed();
    });
  }

  private dispatch(): void {
    while (this.ready.length > 0) {
      const consumer = this.takeConsumer();
      if (!consumer) return;
      const message = this.ready.shift() as StoredMessage;
      this.unacked += 1;
      consumer.inFlight += 1;
      const settled = consumer
        .deliver(message)
        .catch(() => false)
        .then((acked) => {
          this.unacked -= 1;
          consumer.inFlight -= 1;
          consumer.settled.delete(settled);
          if (!acked) this.handBack(message);
          this.scheduleDispatch();
        });
      consumer.settled.add(settled);
    }
  }

  private handBack(message: StoredMessage): void {
    if (!message.redelivered) this.ready.unshift({ ...message, redelivered: true });
    else this.hooks.rejected(message);
  }

  /** The next consumer, round robin, with room under its prefetch. */
  private takeConsumer(): Consumer | undefined {
    for (let i = 0; i < this.consumers.length; i += 1) {
      const at = (this.nextConsumer + i) % this.consumers.length;
      const consumer = this.consumers[at];
      if (consumer.inFlight < consumer.prefetch) {
        this.nextConsumer = at + 1;
        return consumer;
      }
    }
    return undefined;
  }

  /** Takes the chosen dead letters (all when `ids` is omitted) out of the dead-letter queue. */
  takeDeadLetters(ids?: ReadonlySet<string>): DeadLetter[] {
    const taken: DeadLetter[] = [];
    for (let i = 0; i < this.deadLetters.length;) {
      const entry = this.deadLetters[i];
      if (!ids || ids.has(entry.message.metadata.messageId)) {
        taken.push(entry);
        this.deadLetters.splice(i, 1);
      } else i += 1;
    }
    this.hooks.changed();
    return taken;
  }
}
