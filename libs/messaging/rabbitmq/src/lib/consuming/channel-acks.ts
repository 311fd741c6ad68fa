import type { Channel, Message } from 'amqplib';

/**
 * Settles one channel's deliveries in as few frames as it can. Acks are gathered until the event
 * loop turns (setImmediate); then the longest run of acked deliveries at the head of the
 * channel's unsettled ones goes out as one `ack(multiple)`, and any acked delivery after a gap
 * (a slower handler still running before it) individually, so no ack waits for another handler.
 * Handlers that finish in delivery order, the usual case, cost the broker one frame per turn
 * instead of one per message. Nacks go out at once and alone: a `multiple` ack must never cover
 * a delivery that is still being handled or is to be rejected, and only the run of acked
 * deliveries at the head is ever acked that way.
 *
 * A channel that died with its connection throws on every settle: ignored, as the broker
 * redelivers what it never heard about.
 */
export class ChannelAcks {
  /** Delivery tags handed to handlers and not settled yet, in delivery (ascending) order. */
  private readonly unsettled: number[] = [];
  private readonly acked = new Map<number, Message>();
  private flushScheduled = false;

  constructor(private readonly channel: Channel) {}

  /** A delivery was taken: it must be settled through this object. */
  delivered(message: Message): void {
    this.unsettled.push(message.fields.deliveryTag);
  }

  /** Acknowledges the delivery before the event loop's next turn. */
  ack(message: Message): void {
    this.acked.set(message.fields.deliveryTag, message);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Rejects the delivery now: back to the queue, or (requeue false) to its dead-letter exchange. */
  nack(message: Message, requeue: boolean): void {
    this.forget(message.fields.deliveryTag);
    attempt(() => this.channel.nack(message, false, requeue));
  }

  /** Sends every ack gathered so far (also before the channel is closed). */
  flush(): void {
    this.flushScheduled = false;
    if (this.acked.size === 0) return;
    let run = 0;
    while (run < this.unsettled.length && this.acked.has(this.unsettled[run])) run += 1;
    if (run > 0) {
      const last = this.acked.get(this.unsettled[run - 1]) as Message;
      for (const tag of this.unsettled.splice(0, run)) this.acked.delete(tag);
      attempt(() => this.channel.ack(last, run > 1));
    }
    for (const [tag, message] of this.acked) {
      this.forget(tag);
      attempt(() => this.channel.ack(message, false));
    }
    this.acked.clear();
  }

  private forget(tag: number): void {
    const index = this.unsettled.indexOf(tag);
    if (index >= 0) this.unsettled.splice(index, 1);
  }
}

/** A settle on a channel that died with its connection throws; the broker redelivers instead. */
function attempt(settle: () => void): void {
  try {
    settle();
  } catch {
    // Nothing to do: the message stays unacknowledged and comes back after reconnection.
  }
}
