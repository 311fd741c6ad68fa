import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import {
  MAX_ROUTING_KEY_BYTES,
  PublishRejectedError,
  TransportDisconnectedError,
  UnpublishableMessageError,
  UnroutableMessageError,
  type MessagingLogger,
} from '@shopbus/messaging-core';

export interface PublishTarget {
  readonly exchange: string;
  readonly routingKey: string;
  /** Ask the broker to return the message if no queue receives it. */
  readonly mandatory: boolean;
}

/**
 * Publishes on a confirm channel: each `publish` resolves when the broker confirms the message
 * (it is then in every queue it was routed to, on disk for persistent messages in durable
 * queues) and rejects when the broker nacks it, returns it as unroutable, or the channel closes
 * before the confirm. Publishes are pipelined: many can await their confirms at once.
 *
 * A returned message is matched to its pending publish by messageId: RabbitMQ sends basic.return
 * before the basic.ack of the same message, so the return is known when the confirm arrives.
 */
export class ConfirmedPublisher {
  private current?: ConfirmChannel;
  private readonly returned = new Map<string, string>();
  private drained: Promise<void> = Promise.resolve();
  private lastChannelError?: Error;
  private closing = false;
  private awaitingDrain = false;
  /** A fresh channel being opened after one closed over a live connection. */
  private reopening?: Promise<void>;

  /**
   * @param onChannelOpen runs on every channel this publisher opens, before it is used: the
   *   request client starts its reply consumer there.
   * @param onChannelError told of the error that closed a channel (the transport repairs its
   *   topology when an exchange it declared has gone).
   */
  constructor(
    private readonly logger: MessagingLogger,
    private readonly name = 'publisher',
    private readonly onChannelOpen?: (channel: ConfirmChannel) => Promise<void>,
    private readonly onChannelError?: (error: Error) => void,
  ) {}

  /** Opens the confirm channel on a (new) connection. */
  async attach(connection: ChannelModel): Promise<ConfirmChannel> {
    const channel = await connection.createConfirmChannel();
    channel.on('return', (message: Message) => {
      const id = message.properties.messageId as string | undefined;
      if (id)
        this.returned.set(id, (message.fields as { replyText?: string }).replyText ?? 'NO_ROUTE');
    });
    channel.on('error', (error: Error) => {
      // A channel error (e.g. publishing to an exchange that does not exist) closes the channel;
      // remember why, so the publishes it fails say so.
      this.lastChannelError = error;
      this.logger.warn(`${this.name} channel error`, { error: error.message });
      this.onChannelError?.(error);
    });
    channel.on('close', () => {
      if (this.current === channel) this.current = undefined;
      // The connection may still be up (only the channel failed): open a fresh channel.
      if (!this.closing) this.reopen(connection);
    });
    await this.onChannelOpen?.(channel);
    this.closing = false;
    this.lastChannelError = undefined;
    this.current = channel;
    this.drained = Promise.resolve();
    this.awaitingDrain = false;
    return channel;
  }

  get channel(): ConfirmChannel | undefined {
    return this.current;
  }

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  async publish(target: PublishTarget, content: Buffer, options: Options.Publish): Promise<void> {
    if (this.awaitingDrain) await this.drained;
    // The broker closed the channel over the last publish (an exchange that does not exist):
    // the next one waits for the fresh channel instead of failing as if the broker were gone.
    if (!this.current && this.reopening) await this.reopening;
    const channel = this.current;
    const description = describe(target);
    if (!channel) {
      throw new TransportDisconnectedError(
        `Not connected to RabbitMQ: "${String(options.type)}" to ${description} was not sent`,
      );
    }
    if (Buffer.byteLength(target.routingKey) > MAX_ROUTING_KEY_BYTES) {
      throw new UnpublishableMessageError(
        `"${String(options.type)}" to ${description}: the routing key has more than ${MAX_ROUTING_KEY_BYTES} bytes`,
      );
    }
    const messageId = options.messageId;
    await new Promise<void>((resolve, reject) => {
      const accepted = tryToWrite(`"${String(options.type)}" to ${description}`, () =>
        channel.publish(
          target.exchange,
          target.routingKey,
          content,
          // amqplib reads every property of these options for every message, and reads them
          // slowly from an object copied with a spread and then extended: the copy cost a
          // publish 34 µs of CPU instead of 25–30. So the options are copied only when they do
          // not carry the target's flag already (the transport's own publishes carry it).
          options.mandatory === target.mandatory
            ? options
            : { ...options, mandatory: target.mandatory },
          (error) => {
            const returnedReason = messageId ? this.returned.get(messageId) : undefined;
            if (messageId) this.returned.delete(messageId);
            if (returnedReason !== undefined) {
              reject(new UnroutableMessageError(String(options.type), description, returnedReason));
            } else if (!error) {
              resolve();
            } else if (error.message === 'channel closed') {
              const cause = this.lastChannelError?.message ?? 'connection lost';
              reject(
                new TransportDisconnectedError(
                  `"${String(options.type)}" to ${description} was not confirmed: ${cause}`,
                  { cause: error },
                ),
              );
            } else {
              reject(
                new PublishRejectedError(
                  `The broker refused "${String(options.type)}" to ${description}`,
                ),
              );
            }
          },
        ),
      );
      // The socket's write buffer is full: let it drain before the next publish writes more.
      if (!accepted && !this.awaitingDrain) {
        this.awaitingDrain = true;
        this.drained = new Promise((done) =>
          channel.once('drain', () => {
            this.awaitingDrain = false;
            done();
          }),
        );
      }
    });
  }

  /** Waits for outstanding confirms, then closes the channel. */
  async close(): Promise<void> {
    this.closing = true;
    const channel = this.current;
    this.current = undefined;
    if (!channel) return;
    await channel.waitForConfirms().catch(() => undefined);
    await channel.close().catch(() => undefined);
  }

  private reopen(connection: ChannelModel): void {
    this.reopening = this.attach(connection)
      .then(
        () => undefined,
        () => undefined, // The connection itself is gone; the transport re-attaches on reconnection.
      )
      .finally(() => {
        this.reopening = undefined;
      });
  }
}

function describe(target: PublishTarget): string {
  return target.exchange
    ? `exchange "${target.exchange}" (routing key "${target.routingKey}")`
    : `queue "${target.routingKey}"`;
}

/**
 * amqplib encodes a message synchronously and throws what it cannot encode (a property over its
 * size, a header value of no AMQP type): that is the message's fault, not the connection's.
 */
function tryToWrite(what: string, write: () => boolean): boolean {
  try {
    return write();
  } catch (error) {
    throw new UnpublishableMessageError(
      `${what} cannot be encoded: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
