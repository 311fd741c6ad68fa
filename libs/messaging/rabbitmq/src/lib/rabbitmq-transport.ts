import type { ChannelModel } from 'amqplib';
import {
  consoleLogger,
  TransportDisconnectedError,
  type ConsumerHandle,
  type Destination,
  type EndpointSpec,
  type InboundHandler,
  type ReplyMessage,
  type MessagingLogger,
  type OutboundMessage,
  type Transport,
  type TransportStatus,
} from '@shopbus/messaging-core';
import { BrokerConnection, type BrokerConnectionOptions } from './connection/broker-connection';
import { brokerUserOf } from './connection/broker-user';
import { QueueConsumer } from './consuming/queue-consumer';
import { DeadLetterQueues } from './dead-letters/dead-letter-queues';
import { toPublishOptions } from './publishing/amqp-message-codec';
import { ConfirmedPublisher, type PublishTarget } from './publishing/confirmed-publisher';
import { DirectReplyRequester } from './requesting/direct-reply-requester';
import type { ExchangeMap } from './asyncapi/exchange-map';
import type { RabbitMqTransportOptions } from './rabbitmq-transport.options';
import { declareTopology } from './topology/declare-topology';
import type { TopologyMode } from './topology/topology-mode';
import { verifyTopology } from './topology/verify-topology';
import { endpointTopology } from './topology/endpoint-topology';
import { naming } from './topology/naming';
import { mergeTopologies, type Topology } from './topology/topology';

/**
 * The Transport port over RabbitMQ (amqplib). Two connections, as RabbitMQ advises: one for
 * publishing (the confirmed publisher, the request client) and one for consuming. On a shared
 * connection the broker's flow control, which throttles a connection that publishes fast, also
 * holds back the consumers' acknowledgements on it, and deliveries stall for tens of ms
 * (`npm run bench:peers`: p99 43 ms against 1.3 ms at 1000 msg/s); a resource alarm blocks only
 * the publishing one. Each has amqplib's recovery reconnecting it; on every (re)connection the
 * whole topology is declared again, then the publisher and request client (publishing) or every
 * consumer (consuming) are re-attached, before it counts as up.
 */
export class RabbitMqTransport implements Transport {
  readonly eventsExchange: string;
  readonly commandsExchange: string;
  readonly deadLetterExchange: string;
  /** The user this transport logs in as, stamped as `user_id` on everything it publishes. */
  readonly brokerUser: string;
  readonly topologyMode: TopologyMode;
  private readonly logger: MessagingLogger;
  private readonly publisher: ConfirmedPublisher;
  private readonly requester: DirectReplyRequester;
  private readonly consumers = new Set<QueueConsumer>();
  private readonly publishing: BrokerConnection;
  private readonly consuming: BrokerConnection;
  private endpointTopologies: Topology[] = [];
  private repairing?: Promise<void>;

  constructor(private readonly options: RabbitMqTransportOptions) {
    this.logger = options.logger ?? consoleLogger;
    this.eventsExchange = options.eventsExchange ?? 'messaging.events';
    this.commandsExchange = options.commandsExchange ?? 'messaging.commands';
    this.deadLetterExchange = options.deadLetterExchange ?? 'messaging.dead-letter';
    this.brokerUser = brokerUserOf(typeof options.url === 'string' ? options.url : options.url[0]);
    this.topologyMode = options.topologyMode ?? 'declare';
    // Both publishing channels repair the topology when they find an exchange of it gone.
    const repair = (error: Error) => this.repairTopologyAfter(error);
    this.publisher = new ConfirmedPublisher(this.logger, 'publisher', undefined, repair);
    this.requester = new DirectReplyRequester(this.logger, repair);
    const connection = (
      role: string,
      events: Pick<BrokerConnectionOptions, 'setUp' | 'onUp' | 'onDown'>,
    ) =>
      new BrokerConnection({
        url: options.url,
        addressOrder: options.addressOrder,
        name: `${options.connectionName ?? 'shopbus'} (${role})`,
        heartbeatSeconds: options.heartbeatSeconds ?? 10,
        tls: options.tls,
        reconnect: options.reconnect ?? {},
        logger: this.logger,
        ...events,
      });
    // Consumers run only while the publishing connection is up: a handler's replies, retries and
    // dead letters go out through it. Consuming on without it would fail every message in turn
    // (requeued once, then rejected to the dead-letter queue) until it is back; instead the
    // consumers let go of their channels (the broker puts their unacked messages back) and
    // attach again once it is.
    this.publishing = connection('publish', {
      setUp: async (model) => {
        await this.applyTopology(model, this.topology());
        await this.publisher.attach(model);
        await this.requester.publisher.attach(model);
      },
      onUp: () => {
        const consuming = this.consuming.current;
        if (!consuming) return;
        this.attachConsumers(consuming).catch((error: Error) =>
          // Each consumer whose channel failed re-attaches by itself (QueueConsumer.recover).
          this.logger.warn('could not attach every consumer yet', { error: error.message }),
        );
      },
      onDown: () => {
        for (const consumer of this.consumers) void consumer.detach();
      },
    });
    this.consuming = connection('consume', {
      setUp: async (model) => {
        await this.applyTopology(model, this.topology());
        if (this.publishing.current) await this.attachConsumers(model);
      },
    });
  }

  /** Declares the topology, or checks that it exists (see `TopologyMode`). */
  private applyTopology(model: ChannelModel, topology: Topology): Promise<void> {
    return this.topologyMode === 'verify'
      ? verifyTopology(model, topology)
      : declareTopology(model, topology);
  }

  private async attachConsumers(model: ChannelModel): Promise<void> {
    for (const consumer of this.consumers) await consumer.attach(model);
  }

  /** True while both connections are up and fully set up. */
  get isConnected(): boolean {
    return this.publishing.current !== undefined && this.consuming.current !== undefined;
  }

  /** Resolves when the transport is (again) connected and set up: now, or once it is. */
  async connected(): Promise<void> {
    await Promise.all([this.publishing.up(), this.consuming.up()]);
  }

  /**
   * Connects (publishing first: consumers publish retries and dead letters through it), retrying
   * with backoff while the broker is unreachable. Fails at once, without retrying, when the
   * topology conflicts with what the broker has (TopologyMismatchError).
   */
  async start(): Promise<void> {
    await this.publishing.open();
    try {
      await this.consuming.open();
    } catch (error) {
      await this.publishing.close();
      throw error;
    }
  }

  private topology(): Topology {
    return mergeTopologies(
      {
        exchanges: [
          { name: this.eventsExchange, type: 'topic' },
          { name: this.commandsExchange, type: 'direct' },
        ],
      },
      this.options.topology ?? {},
      ...this.endpointTopologies,
    );
  }

  publish(message: OutboundMessage): Promise<void> {
    const target = {
      exchange: this.eventsExchange,
      routingKey: message.metadata.messageType,
      mandatory: true,
    };
    return this.publisher.publish(target, message.body, this.publishOptions(message, target));
  }

  send(message: OutboundMessage, destination?: Destination): Promise<void> {
    const target = this.target(message, destination);
    return this.publisher.publish(target, message.body, this.publishOptions(message, target));
  }

  /** The message's properties, stamped with this connection's user (the broker checks it). */
  private publishOptions(message: OutboundMessage, target: PublishTarget) {
    return toPublishOptions(message.metadata, {
      userId: this.brokerUser,
      mandatory: target.mandatory,
    });
  }

  request(
    message: OutboundMessage,
    options: { timeoutMs: number; destination?: Destination },
  ): Promise<ReplyMessage> {
    const target = this.target(message, options.destination);
    return this.requester.request(
      target,
      message.body,
      this.publishOptions(message, target),
      options.timeoutMs,
    );
  }

  /**
   * An exchange of this transport's topology was deleted under it (an operator, a script): the
   * publish that found it gone failed (and is retried by whoever sent it); declaring the whole
   * topology again brings the exchange back with the bindings that went with it, so the next
   * publish is routed as before instead of failing until a restart.
   */
  private repairTopologyAfter(error: Error): void {
    const current = this.publishing.current;
    if (!current || this.repairing || !/NOT_FOUND - no exchange/.test(error.message)) return;
    this.repairing = this.applyTopology(current, this.topology())
      .then(() =>
        this.logger.warn('an exchange had gone: topology declared again', { error: error.message }),
      )
      .catch((failure: Error) =>
        this.logger.warn('could not declare the topology again', { error: failure.message }),
      )
      .finally(() => {
        this.repairing = undefined;
      });
  }

  /** The endpoints whose consumer is not attached right now (recovering, or not yet started). */
  idleEndpoints(): string[] {
    return [...this.consumers].filter((c) => !c.consuming).map((c) => c.endpoint.queue);
  }

  status(): TransportStatus {
    return {
      connected: this.isConnected,
      blocked: this.publishing.blocked,
      endpoints: [...this.consumers].map((consumer) => consumer.endpoint.queue),
      idleEndpoints: this.idleEndpoints(),
    };
  }

  async consume(spec: EndpointSpec, handler: InboundHandler): Promise<ConsumerHandle> {
    const endpoint: EndpointSpec = {
      ...spec,
      bindings: spec.bindings?.map((binding) => ({
        ...binding,
        exchange: this.exchangeName(binding.exchange),
      })),
    };
    const topology = endpointTopology(endpoint, {
      eventsExchange: this.eventsExchange,
      commandsExchange: this.commandsExchange,
      deadLetterExchange: this.deadLetterExchange,
      queueKind: this.options.queueKind ?? 'classic',
      deliveryLimit: this.options.deliveryLimit ?? 20,
    });
    const model = this.consuming.current;
    if (!model) {
      throw new TransportDisconnectedError(
        `Cannot consume "${endpoint.queue}": not connected (call start first)`,
      );
    }
    await this.applyTopology(model, topology);
    // The administrator's run declares and goes: nothing consumes.
    if (this.topologyMode === 'declare-only') return { stop: async () => undefined };
    this.endpointTopologies.push(topology);
    const consumer: QueueConsumer = new QueueConsumer(
      endpoint,
      handler,
      // Replies and the redelivery and dead-letter copies go out as this connection's user.
      (target, content, options) =>
        this.publisher.publish(target, content, { ...options, userId: this.brokerUser }),
      {
        deadLetterExchange: this.deadLetterExchange,
        ownUser: this.brokerUser,
        trustedRelays: this.options.trustedRelays ?? [],
      },
      this.logger,
      async () => {
        const current = this.consuming.current;
        // Without the publishing connection, its return attaches every consumer.
        if (!current || !this.publishing.current) {
          throw new TransportDisconnectedError('not connected');
        }
        // The queue may have been deleted: declaring is idempotent and brings it back.
        await this.applyTopology(current, topology);
        await consumer.attach(current);
      },
    );
    this.consumers.add(consumer);
    // Without the publishing connection it attaches once that is back (see the constructor).
    if (this.publishing.current) await consumer.attach(model);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        this.endpointTopologies = this.endpointTopologies.filter((t) => t !== topology);
        await consumer.stop();
      },
    };
  }

  private target(message: OutboundMessage, destination?: Destination): PublishTarget {
    const type = message.metadata.messageType;
    if (!destination) return { exchange: this.commandsExchange, routingKey: type, mandatory: true };
    if ('queue' in destination) {
      return { exchange: naming.defaultExchange, routingKey: destination.queue, mandatory: true };
    }
    return {
      exchange: this.exchangeName(destination.exchange),
      routingKey: destination.routingKey ?? type,
      mandatory: true,
    };
  }

  /** Its exchanges by role, logical name and type: what an AsyncAPI document names. */
  exchangeMap(): ExchangeMap {
    const declared = [
      ...(this.options.topology?.exchanges ?? []),
      { name: this.eventsExchange, type: 'topic' as const },
      { name: this.commandsExchange, type: 'direct' as const },
      { name: this.deadLetterExchange, type: 'direct' as const },
    ];
    return {
      events: this.eventsExchange,
      commands: this.commandsExchange,
      deadLetter: this.deadLetterExchange,
      names: { ...this.options.exchangeNames },
      types: Object.fromEntries(declared.map(({ name, type }) => [name, type])),
    };
  }

  /** The real name of an exchange the application names logically (see `exchangeNames`). */
  private exchangeName(name: string): string {
    return this.options.exchangeNames?.[name] ?? name;
  }

  /** Operations on the endpoints' dead-letter queues (for admin endpoints): replays publish. */
  deadLetterQueues(): DeadLetterQueues {
    const current = this.publishing.current;
    if (!current) throw new TransportDisconnectedError('Not connected to RabbitMQ');
    return new DeadLetterQueues(current, false, this.brokerUser);
  }

  /** Stops every consumer (letting in-flight handlers finish), then closes channels and connections. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    await this.publisher.close();
    await this.requester.publisher.close();
    await Promise.all([this.consuming.close(), this.publishing.close()]);
  }
}
