import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import { TransportDisconnectedError, type MessagingLogger } from '@shopbus/messaging-core';
import type { ReconnectPolicy } from '../rabbitmq-transport.options';
import { BrokerAddresses, type AddressOrder } from './broker-addresses';
import { tlsSocketOptions, type BrokerTls } from './broker-tls';

export interface BrokerConnectionOptions {
  /** One broker, or the nodes of a cluster (see BrokerAddresses). */
  url: string | readonly string[];
  addressOrder?: AddressOrder;
  /** Shown in the management UI's connection list. */
  name: string;
  heartbeatSeconds: number;
  /** For an amqps:// URL: the authority to verify the broker by, a client certificate. */
  tls?: BrokerTls;
  reconnect: ReconnectPolicy;
  logger: MessagingLogger;
  /** Runs on every (re)connection before the connection counts as up: declarations, channels. */
  setUp(model: ChannelModel): Promise<void>;
  /** Called once the connection is up (set up), and when it is lost. */
  onUp?(model: ChannelModel): void;
  onDown?(): void;
}

const SINGLE_RECONNECT_DELAY_MS = 200;
/**
 * With a cluster's nodes, the first reconnection waits this long: a channel opened on another
 * node before the cluster has elected new leaders for the lost node's quorum queues stays bound
 * to the dead leader until it returns (RabbitMQ 3.10: publishes refused, no deliveries, for as
 * long as the node is down; the cluster test measured 8 s at 100 ms, 1.3 s at 1500 ms).
 */
const CLUSTER_RECONNECT_DELAY_MS = 1500;

/**
 * One AMQP connection with amqplib's recovery: reconnected with backoff when lost, set up again
 * (`setUp`) each time before it counts as up, and watched for the broker blocking it (a memory
 * or disk alarm blocks every connection that publishes). Given a cluster's nodes, each failed
 * attempt and each lost connection moves it to the next node.
 */
export class BrokerConnection {
  private recovering?: RecoveringChannelModel;
  private model?: ChannelModel;
  private blockedReason?: string;

  private readonly socketOptions: Record<string, unknown>;
  private readonly addresses: BrokerAddresses;

  constructor(private readonly options: BrokerConnectionOptions) {
    this.addresses = new BrokerAddresses(
      options.url,
      options.heartbeatSeconds,
      options.addressOrder ?? 'in-order',
    );
    // Checked here, so that TLS settings for a plain URL stop the transport as it is made.
    this.socketOptions = tlsSocketOptions(this.addresses.urls[0], options.tls);
  }

  /** The connection while it is up and set up. */
  get current(): ChannelModel | undefined {
    return this.model;
  }

  /** Why the broker holds this connection's publishes back right now, or undefined. */
  get blocked(): string | undefined {
    return this.model ? this.blockedReason : undefined;
  }

  /** Resolves when the connection is (again) up and set up: now, or at the next connection. */
  up(): Promise<void> {
    if (this.model) return Promise.resolve();
    const recovering = this.recovering;
    if (!recovering) {
      return Promise.reject(new TransportDisconnectedError('The transport was not started'));
    }
    return new Promise((resolve) => recovering.once('connect', () => resolve()));
  }

  /**
   * Connects, retrying with backoff while the broker is unreachable. Fails at once, without
   * retrying, when setting up fails for good (a topology that conflicts with the broker's).
   */
  async open(): Promise<void> {
    const { reconnect: policy, logger, name } = this.options;
    const addresses = this.addresses;
    const recovering = await connect(
      // Read afresh at every attempt: `addresses.advance()` moves the next one to another node.
      addresses.target,
      {
        ...this.socketOptions,
        clientProperties: { connection_name: name },
        recovery: {
          initialDelay:
            policy.initialDelayMs ??
            (addresses.urls.length > 1 ? CLUSTER_RECONNECT_DELAY_MS : SINGLE_RECONNECT_DELAY_MS),
          maxDelay: policy.maxDelayMs ?? 5000,
          factor: policy.factor ?? 2,
          jitter: policy.jitter ?? 0.2,
          initialMaxRetries: policy.initialMaxRetries ?? Infinity,
          waitForConnect: false,
          setup: (model: ChannelModel) => this.options.setUp(model),
        },
      },
    );
    this.recovering = recovering;
    recovering.on('connect', (model: ChannelModel) => {
      this.model = model;
      this.blockedReason = undefined;
      model.on('blocked', (reason: string) => {
        this.blockedReason = reason || 'blocked by the broker';
        logger.warn('the broker blocks publishing', { connection: name, reason });
      });
      model.on('unblocked', () => {
        this.blockedReason = undefined;
        logger.info('the broker unblocked publishing', { connection: name });
      });
      logger.info('connected to RabbitMQ', { connection: name, node: addresses.current });
      this.options.onUp?.(model);
    });
    recovering.on('disconnect', (error: Error) => {
      this.model = undefined;
      this.options.onDown?.();
      const lost = addresses.current;
      // The node that dropped us may be going down: the next attempt goes to another one.
      addresses.advance();
      logger.warn('lost the RabbitMQ connection; reconnecting', {
        connection: name,
        node: lost,
        next: addresses.current,
        error: error.message,
      });
    });
    recovering.on('reconnect-scheduled', ({ attempt, delay, error }) =>
      logger.info('reconnect scheduled', {
        connection: name,
        attempt,
        delayMs: delay,
        error: error.message,
      }),
    );
    recovering.on('error', (error: Error) =>
      logger.debug('connection error', { connection: name, error: error.message }),
    );

    const fatal = new Promise<never>((_, reject) =>
      recovering.on('connect-failed', (error: Error & { retryable?: boolean }) => {
        addresses.advance();
        if (error.retryable === false) {
          void recovering.close();
          reject(error);
        }
      }),
    );
    await Promise.race([recovering.waitForConnect(), fatal]);
  }

  async close(): Promise<void> {
    await this.recovering?.close().catch(() => undefined);
    this.model = undefined;
  }
}
