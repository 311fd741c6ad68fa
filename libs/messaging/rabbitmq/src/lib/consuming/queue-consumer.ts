import type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
import type {
  EndpointSpec,
  InboundHandler,
  InboundMessage,
  MessagingLogger,
} from '@shopbus/messaging-core';
import { fromDelivery, toPublishOptions } from '../publishing/amqp-message-codec';
import type { PublishTarget } from '../publishing/confirmed-publisher';
import {
  FAULT_HEADERS,
  faultHeaders,
  originalRoute,
  redeliveryCountOf,
} from '../publishing/fault-headers';
import { naming } from '../topology/naming';

/** Publishes on the transport's confirmed publisher (replies, redeliveries, dead letters). */
export type Republisher = (
  target: PublishTarget,
  content: Buffer,
  options: Options.Publish,
) => Promise<void>;

export interface ConsumerRoutes {
  /** The exchange through which `<queue>.dlq` is reached, with the queue's name as routing key. */
  deadLetterExchange: string;
}

/**
 * Consumes one endpoint's queue with manual acknowledgements. The broker hands over at most
 * `prefetch` unacknowledged messages, and each is passed to the handler as it arrives, so the
 * prefetch bounds the handler's concurrency. A message is acked only after its handler
 * resolved, and the pipeline (with its recoverability policy) resolves once it has settled every
 * failure: retried, handed back for delayed redelivery, or dead-lettered. Should the pipeline
 * still reject (the broker went away mid-way), the message is nacked and requeued, never lost.
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
    private readonly publish: Republisher,
    private readonly routes: ConsumerRoutes,
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
    const { queue } = this.endpoint;
    const redeliveryCount = redeliveryCountOf(message);
    const original = originalRoute(message);
    // A copy keeps every property (ids, type, timestamps) and header, and remembers the route
    // it first took, so the dead-letter queue can say where it came from.
    const copy = (headers: Record<string, unknown>): Options.Publish => ({
      ...message.properties,
      headers: {
        ...message.properties.headers,
        [FAULT_HEADERS.originalExchange]: original.exchange,
        [FAULT_HEADERS.originalRoutingKey]: original.routingKey,
        ...headers,
      },
    });
    return {
      metadata: fromDelivery(message),
      body: message.content,
      redelivered: message.fields.redelivered,
      origin: { queue, exchange: original.exchange, routingKey: original.routingKey },
      redeliveryCount,
      reply: replyTo
        ? (reply) =>
            // Not mandatory: a requester that timed out and left is not the responder's failure.
            this.publish(
              { exchange: naming.defaultExchange, routingKey: replyTo, mandatory: false },
              reply.body,
              toPublishOptions(reply.metadata),
            )
        : undefined,
      redeliverLater: (delayMs) =>
        this.publish(
          {
            exchange: naming.defaultExchange,
            routingKey: naming.retryQueue(queue, delayMs),
            mandatory: true,
          },
          message.content,
          copy({ [FAULT_HEADERS.redeliveryCount]: redeliveryCount + 1 }),
        ),
      deadLetter: (fault) =>
        this.publish(
          { exchange: this.routes.deadLetterExchange, routingKey: queue, mandatory: true },
          message.content,
          copy(faultHeaders(fault, queue)),
        ),
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
