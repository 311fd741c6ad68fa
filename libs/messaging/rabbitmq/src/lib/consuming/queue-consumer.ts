import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type {
  EndpointSpec,
  InboundHandler,
  InboundMessage,
  MessagingLogger,
  OutboundMessage,
} from '@shopbus/messaging-core';
import { fromDelivery } from '../publishing/amqp-message-codec';

/** Sends a reply to the address a request named in its replyTo property. */
export type ReplySender = (replyTo: string, message: OutboundMessage) => Promise<void>;

/**
 * Consumes one endpoint's queue with manual acknowledgements. The broker hands over at most
 * `prefetch` unacknowledged messages, and each is passed to the handler as it arrives, so the
 * prefetch bounds the handler's concurrency. A message is acked only after its handler
 * resolved; when the handler rejects it is nacked and requeued, never lost.
 *
 * On a lost connection the channel dies with it: handlers still running finish, their acks fail
 * harmlessly, and the broker redelivers those messages once `attach` runs on the new connection.
 */
export class QueueConsumer {
  private channel?: Channel;
  private consumerTag?: string;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly endpoint: EndpointSpec,
    private readonly handler: InboundHandler,
    private readonly sendReply: ReplySender,
    private readonly logger: MessagingLogger,
  ) {}

  async attach(connection: ChannelModel): Promise<void> {
    if (this.stopping) return;
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) =>
      this.logger.warn('consumer channel error', {
        queue: this.endpoint.queue,
        error: error.message,
      }),
    );
    await channel.prefetch(this.endpoint.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(
      this.endpoint.queue,
      (message) => this.onDelivery(channel, message),
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  private onDelivery(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer: the queue was deleted or its node went away.
      this.logger.warn('consumer cancelled by the broker', { queue: this.endpoint.queue });
      return;
    }
    const handled = this.handler(this.toInbound(message))
      .then(
        () => settle(() => channel.ack(message)),
        (error: unknown) => {
          this.logger.warn('handler failed; message returned to the queue', {
            queue: this.endpoint.queue,
            messageId: message.properties.messageId,
            error: error instanceof Error ? error.message : String(error),
          });
          settle(() => channel.nack(message, false, true));
        },
      )
      .finally(() => this.inFlight.delete(handled));
    this.inFlight.add(handled);
  }

  private toInbound(message: ConsumeMessage): InboundMessage {
    const replyTo = message.properties.replyTo as string | undefined;
    return {
      metadata: fromDelivery(message),
      body: message.content,
      redelivered: message.fields.redelivered,
      origin: {
        queue: this.endpoint.queue,
        exchange: message.fields.exchange,
        routingKey: message.fields.routingKey,
      },
      reply: replyTo ? (reply) => this.sendReply(replyTo, reply) : undefined,
    };
  }

  /** Stops taking messages, waits for running handlers (and their acks), closes the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }
}

/** An ack on a channel that died with its connection throws; the broker redelivers instead. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    // Nothing to do: the message stays unacknowledged and comes back after reconnection.
  }
}
