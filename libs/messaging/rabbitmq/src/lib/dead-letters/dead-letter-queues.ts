import { setTimeout } from 'node:timers/promises';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { naming } from '../topology/naming';
import type {
  DeadLetterListing,
  DeadLetterOperations,
  ReplayOptions,
  ReplayResult,
} from '@shopbus/messaging-core';
import { describeDeadLetter } from './dead-lettered-message';
import { brokerUserOf } from '../connection/broker-user';
import { tlsSocketOptions, type BrokerTls } from '../connection/broker-tls';
import { replayProperties } from './replay-headers';

const REPLAY_BATCH = 100;
/** How long a listing or replay waits for the messages it took to be counted in the queue again. */
const RETURN_WAIT_MS = 2000;
const RETURN_POLL_MS = 10;

/**
 * Operations on an endpoint's dead-letter queue, addressed by the endpoint's queue name
 * (`orders` works on `orders.dlq`):
 *
 * - `list` peeks: it takes messages without acknowledging them and closes the channel, which
 *   puts every one back where it was. Nothing is lost, the order is kept (classic queues).
 * - `replay` publishes each chosen message back to the endpoint's queue (through the default
 *   exchange, so the other subscribers of an event do not get it twice), waits for the broker's
 *   confirm, and only then removes it from the dead-letter queue: a crash in between replays it
 *   twice, never zero times. It handles at most the messages present when it began, so a message
 *   that fails again during the replay is not picked up a second time.
 * - `purge` deletes them all.
 */
export class DeadLetterQueues implements DeadLetterOperations {
  /** Works over `connection`; closes it on `close()` only when it opened it itself. */
  constructor(
    private readonly connection: ChannelModel,
    private readonly ownsConnection = false,
    /** The connection's user: a replay carries it as `user_id`, as the broker requires. */
    private readonly user?: string,
  ) {}

  /** Opens its own connection (for the command-line tool); `close()` releases it. */
  static async connect(url: string, tls?: BrokerTls): Promise<DeadLetterQueues> {
    const connection = await connect(url, {
      ...tlsSocketOptions(url, tls),
      clientProperties: { connection_name: 'shopbus dead-letter operations' },
    });
    return new DeadLetterQueues(connection, true, brokerUserOf(url));
  }

  async list(queue: string, options: { limit?: number } = {}): Promise<DeadLetterListing> {
    const limit = options.limit ?? 100;
    const dlq = naming.deadLetterQueue(queue);
    const listing = await this.withChannel(async (channel) => {
      const total = await messageCount(channel, dlq);
      const taken = await takeUpTo(channel, dlq, Math.min(limit, total));
      // Closing the channel (in withChannel) returns every taken message to the queue.
      return { total, messages: taken.map(describeDeadLetter) };
    });
    await this.untilReady(dlq, listing.total);
    return listing;
  }

  async replay(queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
    const dlq = naming.deadLetterQueue(queue);
    const wanted = options.messageIds ? new Set(options.messageIds) : undefined;
    const replayed = await this.withChannel(async (channel) => {
      await messageCount(channel, queue);
      const done: string[] = [];
      let batch: { message: GetMessage; confirmed: Promise<void> }[] = [];
      // Confirms are awaited per batch, not per message: one round trip per message would cap a
      // large replay near a thousand messages a second.
      const settleBatch = async () => {
        await Promise.all(batch.map((entry) => entry.confirmed));
        for (const { message } of batch) {
          channel.ack(message);
          done.push(String(message.properties.messageId ?? ''));
        }
        batch = [];
      };
      const present = await messageCount(channel, dlq);
      for (let i = 0; i < present; i += 1) {
        const message = await channel.get(dlq, { noAck: false });
        if (message === false) break;
        const id = String(message.properties.messageId ?? '');
        // Not chosen: stays unacknowledged, and goes back in place when the channel closes.
        if (wanted && !wanted.has(id)) continue;
        batch.push({ message, confirmed: publishConfirmed(channel, queue, message, this.user) });
        if (batch.length === REPLAY_BATCH) await settleBatch();
        if (wanted && done.length + batch.length === wanted.size) break;
      }
      await settleBatch();
      return { done, present };
    });
    const remaining = await this.untilReady(dlq, replayed.present - replayed.done.length);
    return { replayed: replayed.done, remaining };
  }

  /** Deletes every message in `<queue>.dlq`; resolves with how many there were. */
  async purge(queue: string): Promise<number> {
    return this.withChannel(async (channel) => {
      const dlq = naming.deadLetterQueue(queue);
      await messageCount(channel, dlq);
      return (await channel.purgeQueue(dlq)).messageCount;
    });
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }

  /**
   * Resolves with the queue's count of ready messages once it is back to at least `expected`
   * (or after RETURN_WAIT_MS, with what it is then). Messages taken without an ack return to the
   * queue when their channel closes; a quorum queue applies that through its log after the
   * close is confirmed, so a count read at once may still miss them, and a replay or list that
   * follows would see fewer messages than there are.
   */
  private async untilReady(queue: string, expected: number): Promise<number> {
    const deadline = Date.now() + RETURN_WAIT_MS;
    return this.withChannel(async (channel) => {
      for (;;) {
        const count = await messageCount(channel, queue);
        if (count >= expected || Date.now() >= deadline) return count;
        await setTimeout(RETURN_POLL_MS);
      }
    });
  }

  private async withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const channel = await this.connection.createConfirmChannel();
    // A refused operation closes the channel with the broker's reason; `work` rejects with it.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}

/** The queue's message count; a clear error when the queue does not exist. */
async function messageCount(channel: ConfirmChannel, queue: string): Promise<number> {
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    throw new Error(`There is no queue "${queue}" on the broker`, { cause: error });
  }
}

async function takeUpTo(channel: ConfirmChannel, queue: string, count: number) {
  const taken: GetMessage[] = [];
  while (taken.length < count) {
    const message = await channel.get(queue, { noAck: false });
    if (message === false) break;
    taken.push(message);
  }
  return taken;
}

/** Publishes a replay copy straight to `queue` and resolves on the broker's confirm. */
function publishConfirmed(
  channel: ConfirmChannel,
  queue: string,
  message: GetMessage,
  replayer: string | undefined,
) {
  return new Promise<void>((resolve, reject) => {
    channel.publish(
      naming.defaultExchange,
      queue,
      message.content,
      replayProperties(message.properties, new Date(), replayer),
      (error) =>
        error ? reject(new Error(`The broker refused the replay to "${queue}"`)) : resolve(),
    );
  });
}
