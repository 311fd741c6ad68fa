import type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
import {
  TransportDisconnectedError,
  type EndpointSpec,
  type InboundHandler,
  type InboundMessage,
  type MessagingLogger,
} from '@shopbus/messaging-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliveryProblems, fromDelivery, toPublishOptions } from '../publishing/amqp-message-codec';
import type { PublishTarget } from '../publishing/confirmed-publisher';
import { FAULT_HEADERS, faultHeaders } from '../publishing/fault-headers';
import { ChannelAcks } from './channel-acks';
import { deliveryProvenance } from './delivery-provenance';
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
  /** The user this consumer's transport publishes as: its own copies are believed. */
  ownUser: string;
  /** Other users whose copies are believed to carry the first publisher (operators replaying). */
  trustedRelays: readonly string[];
}

/**
 * Consumes one endpoint's queue with manual acknowledgements. The broker hands over at most
 * `prefetch` unacknowledged messages, and each is passed to the handler as it arrives, so the
 * prefetch bounds the handler's concurrency. A message is acked only after its handler
 * resolved, and the pipeline (with its recoverability policy) resolves once it has settled every
 * failure: retried, handed back for delayed redelivery, or dead-lettered.
 *
 * No delivery can stop the consumer or loop: reading a delivery never throws (what cannot be read
 * is marked `malformed` and dead-lettered by the pipeline); should the pipeline still reject (the
 * broker refused the dead letter, or went away mid-way), the message is requeued once, and on its
 * second failure rejected without requeue, so that the broker moves it to `<queue>.dlq` through
 * the queue's dead-letter exchange (its `x-death` says `rejected`). Never dropped, never looping.
 *
 * On a lost connection the channel dies with it: handlers still running finish, their acks fail
 * harmlessly, and the broker redelivers those messages once `attach` runs on the new connection.
 * A channel that closes on its own (a channel error) or a consumer the broker cancels (its queue
 * deleted, its node gone) is re-attached by `recover`, with growing pauses, until it consumes
 * again; `consuming` says whether it does right now.
 */
export class QueueConsumer {
  private channel?: Channel;
  private acks?: ChannelAcks;
  private connection?: ChannelModel;
  private attaching?: Promise<void>;
  private consumerTag?: string;
  private stopping = false;
  private recovering = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Counts detach() calls: an attach that started before one must not take effect. */
  private generation = 0;

  constructor(
    readonly endpoint: EndpointSpec,
    private readonly handler: InboundHandler,
    private readonly publish: Republisher,
    private readonly routes: ConsumerRoutes,
    private readonly logger: MessagingLogger,
    /** Declares the endpoint's topology again and attaches on the current connection. */
    private readonly recover: () => Promise<void>,
  ) {}

  /** True while a channel is open and the broker delivers to this consumer. */
  get consuming(): boolean {
    return this.channel !== undefined && this.consumerTag !== undefined;
  }

  /**
   * Starts consuming on `connection`; does nothing when it already does. An attach under way is
   * waited for first (it may have been detached meanwhile: then this one attaches again).
   */
  attach(connection: ChannelModel): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.attaching) {
      const again = () => this.attach(connection);
      return this.attaching.then(again, again);
    }
    if (this.channel && this.connection === connection) return Promise.resolve();
    this.attaching = this.attachTo(connection, this.generation).finally(() => {
      this.attaching = undefined;
    });
    return this.attaching;
  }

  private async attachTo(connection: ChannelModel, generation: number): Promise<void> {
    this.connection = connection;
    const channel = await connection.createChannel();
    // detach() ran while this channel was being opened: it must not start consuming.
    const detached = () => generation !== this.generation;
    channel.on('error', (error: Error) =>
      this.logger.warn('consumer channel error', {
        queue: this.endpoint.queue,
        error: error.message,
      }),
    );
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.consumerTag = undefined;
      this.scheduleRecovery('consumer channel closed');
    });
    await channel.prefetch(this.endpoint.prefetch);
    if (detached()) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.channel = channel;
    const acks = new ChannelAcks(channel);
    this.acks = acks;
    const { consumerTag } = await channel.consume(
      this.endpoint.queue,
      (message) => this.onDelivery(channel, acks, message),
      { noAck: false },
    );
    if (detached()) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.consumerTag = consumerTag;
  }

  /**
   * Re-attaches after 0.5 s, doubling to 30 s, until it consumes again or is stopped. A channel
   * that closed with its connection is re-attached by the connection's own recovery instead:
   * `recover` then finds no connection and this loop waits for it.
   */
  private scheduleRecovery(reason: string): void {
    if (this.stopping || this.recovering) return;
    this.recovering = true;
    this.logger.warn('consumer stopped consuming; re-attaching', {
      queue: this.endpoint.queue,
      reason,
    });
    void (async () => {
      for (
        let delayMs = 500;
        !this.stopping && !this.consuming;
        delayMs = Math.min(delayMs * 2, 30_000)
      ) {
        await sleep(delayMs);
        if (this.stopping || this.consuming) break;
        try {
          await this.recover();
        } catch (error) {
          // Without a connection, the connection's own recovery re-attaches every consumer.
          const log = error instanceof TransportDisconnectedError ? 'debug' : 'warn';
          this.logger[log]('consumer could not re-attach yet', {
            queue: this.endpoint.queue,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      this.recovering = false;
      if (this.consuming) this.logger.info('consumer re-attached', { queue: this.endpoint.queue });
    })();
  }

  private onDelivery(channel: Channel, acks: ChannelAcks, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer: the queue was deleted or its node went away.
      this.consumerTag = undefined;
      this.channel = undefined;
      void channel.close().catch(() => undefined);
      this.scheduleRecovery('cancelled by the broker');
      return;
    }
    acks.delivered(message);
    let inbound: InboundMessage;
    try {
      inbound = this.toInbound(message);
    } catch (error) {
      this.giveUp(acks, message, error);
      return;
    }
    const handled = this.handler(inbound)
      .then(
        () => acks.ack(message),
        (error: unknown) => {
          // Detached meanwhile (the publishing connection went): the closed channel returned the
          // message to the queue, and nothing more is to be settled here.
          if (this.channel !== channel) return;
          if (!message.fields.redelivered) {
            this.logger.warn('message not settled; returned to the queue once', {
              queue: this.endpoint.queue,
              messageId: message.properties.messageId,
              error: error instanceof Error ? error.message : String(error),
            });
            acks.nack(message, true);
          } else {
            this.giveUp(acks, message, error);
          }
        },
      )
      .finally(() => this.inFlight.delete(handled));
    this.inFlight.add(handled);
  }

  /** Rejects without requeue: the queue's dead-letter exchange takes it to `<queue>.dlq`. */
  private giveUp(acks: ChannelAcks, message: ConsumeMessage, error: unknown): void {
    this.logger.error('message could not be settled; the broker dead-letters it', {
      queue: this.endpoint.queue,
      messageId: message.properties.messageId,
      error: error instanceof Error ? error.message : String(error),
    });
    acks.nack(message, false);
  }

  private toInbound(message: ConsumeMessage): InboundMessage {
    const replyTo = message.properties.replyTo as string | undefined;
    const { queue } = this.endpoint;
    const { redeliveryCount, originalRoute, publisher, passedOnHeaders } = deliveryProvenance(
      message,
      queue,
      [this.routes.ownUser, ...this.routes.trustedRelays],
    );
    // A copy keeps every property (ids, type, timestamps) and header but those only this library
    // may set, and remembers the route it first took, so the dead-letter queue can say where it
    // came from.
    const copy = (headers: Record<string, unknown>): Options.Publish => ({
      ...message.properties,
      headers: {
        ...passedOnHeaders,
        [FAULT_HEADERS.originalExchange]: originalRoute.exchange,
        [FAULT_HEADERS.originalRoutingKey]: originalRoute.routingKey,
        ...(publisher !== undefined && { [FAULT_HEADERS.originalPublisher]: publisher }),
        ...headers,
      },
    });
    return {
      metadata: fromDelivery(message),
      body: message.content,
      malformed: deliveryProblems(message),
      redelivered: message.fields.redelivered,
      publisher,
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
          copy({ ...faultHeaders(fault, queue), [FAULT_HEADERS.redeliveryCount]: redeliveryCount }),
        ),
    };
  }

  /**
   * Lets go of the channel at once, without waiting for running handlers: the broker puts every
   * unacknowledged message back (marked redelivered), and the handlers still running find their
   * settles refused (harmless). For when the consumer cannot settle anything anyway (the
   * publishing connection is gone); `attach` takes it up again.
   */
  async detach(): Promise<void> {
    this.generation += 1;
    const channel = this.channel;
    // Cleared first, so that the channel's close is not taken for a failure to recover from.
    this.channel = undefined;
    this.consumerTag = undefined;
    this.acks = undefined;
    await channel?.close().catch(() => undefined);
  }

  /** Stops taking messages, waits for running handlers (and their acks), closes the channel. */
  async stop(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    // The acks of the last handlers are gathered for the next turn: sent before closing.
    this.acks?.flush();
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }
}
