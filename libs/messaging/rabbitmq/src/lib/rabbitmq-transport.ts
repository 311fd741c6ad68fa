import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
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
import { QueueConsumer } from './consuming/queue-consumer';
import { DeadLetterQueues } from './dead-letters/dead-letter-queues';
import { toPublishOptions } from './publishing/amqp-message-codec';
import { ConfirmedPublisher, type PublishTarget } from './publishing/confirmed-publisher';
import { DirectReplyRequester } from './requesting/direct-reply-requester';
import type { RabbitMqTransportOptions } from './rabbitmq-transport.options';
import { declareTopology } from './topology/declare-topology';
import { endpointTopology } from './topology/endpoint-topology';
import { naming } from './topology/naming';
import { mergeTopologies, type Topology } from './topology/topology';

/**
 * The Transport port over RabbitMQ (amqplib). One connection per transport, with amqplib's
 * recovery reconnecting it; on every (re)connection the whole topology is declared again and the
 * publisher, the request client and every consumer are re-attached, in that order, before the
 * transport reports itself connected.
 */
export class RabbitMqTransport implements Transport {
  readonly eventsExchange: string;
  readonly commandsExchange: string;
  readonly deadLetterExchange: string;
  private readonly logger: MessagingLogger;
  private readonly publisher: ConfirmedPublisher;
  private readonly requester: DirectReplyRequester;
  private readonly consumers = new Set<QueueConsumer>();
  private connection?: RecoveringChannelModel;
  private current?: ChannelModel;
  private endpointTopologies: Topology[] = [];
  private blockedReason?: string;
  private repairing?: Promise<void>;

  constructor(private readonly options: RabbitMqTransportOptions) {
    this.logger = options.logger ?? consoleLogger;
    this.eventsExchange = options.eventsExchange ?? 'messaging.events';
    this.commandsExchange = options.commandsExchange ?? 'messaging.commands';
    this.deadLetterExchange = options.deadLetterExchange ?? 'messaging.dead-letter';
    // Both publishing channels repair the topology when they find an exchange of it gone.
    const repair = (error: Error) => this.repairTopologyAfter(error);
    this.publisher = new ConfirmedPublisher(this.logger, 'publisher', undefined, repair);
    this.requester = new DirectReplyRequester(this.logger, repair);
  }

  /** True while a connection is up and fully set up. */
  get isConnected(): boolean {
    return this.current !== undefined;
  }

  /** Resolves when the transport is (again) connected and set up: now, or at the next connection. */
  connected(): Promise<void> {
    if (this.current) return Promise.resolve();
    const connection = this.connection;
    if (!connection)
      return Promise.reject(new TransportDisconnectedError('The transport was not started'));
    return new Promise((resolve) => connection.once('connect', () => resolve()));
  }

  /**
   * Connects, retrying with backoff while the broker is unreachable. Fails at once, without
   * retrying, when the topology conflicts with what the broker has (TopologyMismatchError).
   */
  async start(): Promise<void> {
    const policy = this.options.reconnect ?? {};
    const connection = await connect(
      withHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 10),
      {
        clientProperties: { connection_name: this.options.connectionName ?? 'shopbus' },
        recovery: {
          initialDelay: policy.initialDelayMs ?? 200,
          maxDelay: policy.maxDelayMs ?? 5000,
          factor: policy.factor ?? 2,
          jitter: policy.jitter ?? 0.2,
          initialMaxRetries: policy.initialMaxRetries ?? Infinity,
          waitForConnect: false,
          setup: (model: ChannelModel) => this.setUp(model),
        },
      },
    );
    this.connection = connection;
    connection.on('connect', (model: ChannelModel) => {
      this.current = model;
      this.blockedReason = undefined;
      // The broker's resource alarms (memory, disk) block every publishing connection.
      model.on('blocked', (reason: string) => {
        this.blockedReason = reason || 'blocked by the broker';
        this.logger.warn('the broker blocks publishing', { reason });
      });
      model.on('unblocked', () => {
        this.blockedReason = undefined;
        this.logger.info('the broker unblocked publishing');
      });
      this.logger.info('connected to RabbitMQ', { connection: this.options.connectionName });
    });
    connection.on('disconnect', (error: Error) => {
      this.current = undefined;
      this.logger.warn('lost the RabbitMQ connection; reconnecting', { error: error.message });
    });
    connection.on('reconnect-scheduled', ({ attempt, delay, error }) =>
      this.logger.info('reconnect scheduled', { attempt, delayMs: delay, error: error.message }),
    );
    connection.on('error', (error: Error) =>
      this.logger.debug('connection error', { error: error.message }),
    );

    const fatal = new Promise<never>((_, reject) =>
      connection.on('connect-failed', (error: Error & { retryable?: boolean }) => {
        if (error.retryable === false) {
          void connection.close();
          reject(error);
        }
      }),
    );
    await Promise.race([connection.waitForConnect(), fatal]);
  }

  private async setUp(model: ChannelModel): Promise<void> {
    await declareTopology(model, this.topology());
    await this.publisher.attach(model);
    await this.requester.publisher.attach(model);
    for (const consumer of this.consumers) await consumer.attach(model);
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
    return this.publisher.publish(
      { exchange: this.eventsExchange, routingKey: message.metadata.messageType, mandatory: true },
      message.body,
      toPublishOptions(message.metadata),
    );
  }

  send(message: OutboundMessage, destination?: Destination): Promise<void> {
    return this.publisher.publish(
      this.target(message, destination),
      message.body,
      toPublishOptions(message.metadata),
    );
  }

  request(
    message: OutboundMessage,
    options: { timeoutMs: number; destination?: Destination },
  ): Promise<ReplyMessage> {
    return this.requester.request(
      this.target(message, options.destination),
      message.body,
      toPublishOptions(message.metadata),
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
    const current = this.current;
    if (!current || this.repairing || !/NOT_FOUND - no exchange/.test(error.message)) return;
    this.repairing = declareTopology(current, this.topology())
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
      blocked: this.current ? this.blockedReason : undefined,
      endpoints: [...this.consumers].map((consumer) => consumer.endpoint.queue),
      idleEndpoints: this.idleEndpoints(),
    };
  }

  async consume(endpoint: EndpointSpec, handler: InboundHandler): Promise<ConsumerHandle> {
    const topology = endpointTopology(endpoint, {
      eventsExchange: this.eventsExchange,
      commandsExchange: this.commandsExchange,
      deadLetterExchange: this.deadLetterExchange,
      queueKind: this.options.queueKind ?? 'classic',
      deliveryLimit: this.options.deliveryLimit ?? 20,
    });
    const model = this.current;
    if (!model) {
      throw new TransportDisconnectedError(
        `Cannot consume "${endpoint.queue}": not connected (call start first)`,
      );
    }
    await declareTopology(model, topology);
    this.endpointTopologies.push(topology);
    const consumer: QueueConsumer = new QueueConsumer(
      endpoint,
      handler,
      (target, content, options) => this.publisher.publish(target, content, options),
      { deadLetterExchange: this.deadLetterExchange },
      this.logger,
      async () => {
        const current = this.current;
        if (!current) throw new TransportDisconnectedError('not connected');
        // The queue may have been deleted: declaring is idempotent and brings it back.
        await declareTopology(current, topology);
        await consumer.attach(current);
      },
    );
    this.consumers.add(consumer);
    await consumer.attach(model);
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
      exchange: destination.exchange,
      routingKey: destination.routingKey ?? type,
      mandatory: true,
    };
  }

  /** Operations on the endpoints' dead-letter queues over this connection (for admin endpoints). */
  deadLetterQueues(): DeadLetterQueues {
    if (!this.current) throw new TransportDisconnectedError('Not connected to RabbitMQ');
    return new DeadLetterQueues(this.current);
  }

  /** Stops every consumer (letting in-flight handlers finish), then closes channels and connection. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    await this.publisher.close();
    await this.requester.publisher.close();
    await this.connection?.close().catch(() => undefined);
    this.current = undefined;
  }
}

/** amqplib takes the heartbeat from the URL; an explicit `?heartbeat=` in it wins. */
function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}
