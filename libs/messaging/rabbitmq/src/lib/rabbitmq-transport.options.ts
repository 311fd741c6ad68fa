import type { MessagingLogger } from '@shopbus/messaging-core';
import type { AddressOrder } from './connection/broker-addresses';
import type { BrokerTls } from './connection/broker-tls';
import type { QueueKind, Topology } from './topology/topology';
import type { TopologyMode } from './topology/topology-mode';

/** Reconnection backoff: exponential with jitter, as amqplib's recovery implements it. */
export interface ReconnectPolicy {
  /**
   * First delay after a lost connection. Default 200 ms with one broker address, 1500 ms with
   * several (a cluster): long enough for the cluster to elect new leaders for the lost node's
   * quorum queues, which a channel opened sooner does not find until that node is back.
   */
  initialDelayMs?: number;
  /** Longest delay between attempts. Default 5000 ms. */
  maxDelayMs?: number;
  /** Growth of the delay per attempt. Default 2. */
  factor?: number;
  /** Random spread of each delay, 0–1, so that many services do not reconnect in step. Default 0.2. */
  jitter?: number;
  /** Give up the *first* connection after this many retries; Infinity waits for the broker. Default Infinity. */
  initialMaxRetries?: number;
}

export interface RabbitMqTransportOptions {
  /**
   * e.g. amqp://guest:guest@127.0.0.1:5672, or amqps://…:5671 over TLS; or the nodes of a
   * cluster, each logging in as the same user: a failed attempt or a lost connection moves to
   * the next.
   */
  url: string | readonly string[];
  /** With several URLs: try them as listed (default) or shuffled, so services spread over nodes. */
  addressOrder?: AddressOrder;
  /** With an amqps:// URL: the authority the broker's certificate is verified by, a client certificate. */
  tls?: BrokerTls;
  /** Shown in the management UI's connection list. Default 'shopbus'. */
  connectionName?: string;
  /** Topic exchange every event is published to, routed by message type. Default 'messaging.events'. */
  eventsExchange?: string;
  /** Direct exchange commands and queries are sent to by default, routed by message type. Default 'messaging.commands'. */
  commandsExchange?: string;
  /** Direct exchange that routes given-up messages to each endpoint's `<queue>.dlq`. Default 'messaging.dead-letter'. */
  deadLetterExchange?: string;
  /**
   * Names the application uses for exchanges whose real names are configuration, e.g.
   * `{ notifications: 'shop.notifications' }`: a destination `{ exchange: 'notifications' }` and an
   * endpoint binding to `'notifications'` then mean `shop.notifications` (or a test run's own
   * exchange). A name not listed is taken as the real name. Code names exchanges one way only.
   */
  exchangeNames?: Readonly<Record<string, string>>;
  /**
   * Whether this transport declares its topology (`declare`, the default), only checks that it
   * exists (`verify`: for users without `configure` permission), or declares it without
   * consuming (`declare-only`: an administrator's provisioning run). See `TopologyMode`.
   */
  topologyMode?: TopologyMode;
  /** Declarations beyond the two exchanges above and the endpoints' own queues. */
  topology?: Partial<Topology>;
  /**
   * Broker users besides this transport's own whose copies of a message are believed to carry
   * its first publisher (`fault-original-publisher`): the operators who replay dead letters
   * with the `dlq` command. Default none.
   */
  trustedRelays?: readonly string[];
  /** Kind of the queues declared for endpoints. Default 'classic'. */
  queueKind?: QueueKind;
  /**
   * Quorum endpoint queues only: the broker dead-letters a message after this many redeliveries,
   * a backstop should a consumer crash on a message again and again before the policies run. Default 20.
   */
  deliveryLimit?: number;
  /** AMQP heartbeat: a dead peer is noticed within about twice this. Default 10 s. */
  heartbeatSeconds?: number;
  reconnect?: ReconnectPolicy;
  logger?: MessagingLogger;
}
