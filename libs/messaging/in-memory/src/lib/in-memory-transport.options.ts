import type { Clock } from '@shopbus/messaging-core';
import type { InMemoryBroker, RouteBinding, RouterDeclaration } from './broker/in-memory-broker';

export interface InMemoryTransportOptions {
  /**
   * The broker this transport works on. Transports that share one talk to each other, as
   * services sharing a RabbitMQ node do; omitted, the transport has a broker of its own.
   */
  broker?: InMemoryBroker;
  /** The topic router events are published to. Default 'messaging.events'. */
  eventsExchange?: string;
  /** The direct router commands and queries go to by type. Default 'messaging.commands'. */
  commandsExchange?: string;
  /**
   * Further routers and bindings, declared at start: the same shape as the RabbitMQ adapter's
   * `topology` (its queue declarations are not needed here), so one description serves both.
   */
  topology?: {
    readonly exchanges?: readonly RouterDeclaration[];
    readonly bindings?: readonly RouteBinding[];
  };
  /** Logical router names the application uses, mapped to the real ones (as the RabbitMQ adapter). */
  exchangeNames?: Readonly<Record<string, string>>;
  /** Times delayed redelivery. Default the system clock; a harness passes a virtual one. */
  clock?: Clock;
}
