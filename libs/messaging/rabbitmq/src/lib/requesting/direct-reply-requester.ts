import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import {
  RequestTimeoutError,
  type ReplyMessage,
  type MessagingLogger,
} from '@shopbus/messaging-core';
import { ConfirmedPublisher, type PublishTarget } from '../publishing/confirmed-publisher';
import { ENVELOPE_HEADERS, fromDelivery } from '../publishing/amqp-message-codec';
import { naming } from '../topology/naming';

interface PendingRequest {
  resolve(reply: ReplyMessage): void;
  reject(error: Error): void;
}

/**
 * Request/response over RabbitMQ's direct reply-to: the request names the pseudo-queue
 * `amq.rabbitmq.reply-to` as its replyTo, and the broker delivers the answer straight to the
 * consumer on the channel that published it: no reply queue to declare or clean up.
 *
 * A reply is matched to its request by causationId (a reply is caused by its request). Replies
 * that arrive after their request timed out are dropped: nobody is waiting for them.
 */
export class DirectReplyRequester {
  private readonly pending = new Map<string, PendingRequest>();
  readonly publisher: ConfirmedPublisher;

  /** @param onChannelError as ConfirmedPublisher's: the transport repairs its topology there. */
  constructor(
    private readonly logger: MessagingLogger,
    onChannelError?: (error: Error) => void,
  ) {
    this.publisher = new ConfirmedPublisher(
      logger,
      'requester',
      (channel) => this.consumeReplies(channel),
      onChannelError,
    );
  }

  private async consumeReplies(channel: ConfirmChannel): Promise<void> {
    await channel.consume(naming.directReplyTo, (message) => this.onReply(message), {
      noAck: true,
    });
  }

  async request(
    target: PublishTarget,
    content: Buffer,
    options: Options.Publish,
    timeoutMs: number,
  ): Promise<ReplyMessage> {
    const requestId = options.messageId as string;
    const reply = new Promise<ReplyMessage>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
    });
    // A timeout may reject before the publish resolves and anyone awaits the reply.
    reply.catch(() => undefined);
    const timer = setTimeout(() => {
      this.settle(requestId)?.reject(new RequestTimeoutError(String(options.type), timeoutMs));
    }, timeoutMs);
    try {
      // The timeout covers the whole round trip: a publish the broker holds back (a resource
      // alarm blocks publishers, the confirm never comes) times out like a missing reply.
      const published = this.publisher.publish(target, content, {
        ...options,
        replyTo: naming.directReplyTo,
      });
      published.catch(() => undefined);
      return await Promise.race([published.then(() => reply), reply]);
    } catch (error) {
      this.settle(requestId);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const requestId = message.properties.headers?.[ENVELOPE_HEADERS.causationId] as
      string | undefined;
    const waiting = requestId ? this.settle(requestId) : undefined;
    if (!waiting) {
      this.logger.debug('late or unmatched reply dropped', { requestId });
      return;
    }
    waiting.resolve({ metadata: fromDelivery(message), body: message.content });
  }

  private settle(requestId: string): PendingRequest | undefined {
    const waiting = this.pending.get(requestId);
    this.pending.delete(requestId);
    return waiting;
  }
}
