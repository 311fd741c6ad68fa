import type { ShopExchanges } from '@shopbus/contracts';
import type { Topology } from '@shopbus/messaging-rabbitmq';

/**
 * The exchanges every service declares at start (idempotently), beyond the events, commands and
 * dead-letter exchanges the transport declares itself: the audit fanout, fed by an
 * exchange-to-exchange binding that copies every event, and the notifications headers exchange.
 * (The transport declares its own exchanges before this topology, so the binding's source exists.)
 */
export function shopTopology(exchanges: ShopExchanges): Partial<Topology> {
  return {
    exchanges: [
      { name: exchanges.audit, type: 'fanout', internal: true },
      { name: exchanges.notifications, type: 'headers' },
    ],
    bindings: [
      {
        source: exchanges.events,
        destination: exchanges.audit,
        destinationKind: 'exchange',
        pattern: '#',
      },
    ],
  };
}
