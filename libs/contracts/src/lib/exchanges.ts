/**
 * The shop's exchanges, each of the type that fits its job (see the README's exchange map).
 * `shopExchanges(prefix)` gives a test run its own set.
 */
export interface ShopExchanges {
  /** topic: domain events `cart.*`, `order.*`, `shipment.*`; subscribers bind patterns. */
  events: string;
  /** direct: commands by exact type to the owning service's queue. */
  commands: string;
  /** fanout: every event, through an exchange-to-exchange binding from `events`, to the audit log. */
  audit: string;
  /** headers: notification requests to channel queues by `channel` and `priority`. */
  notifications: string;
  /** direct: each endpoint's dead-letter queue, keyed by the endpoint's queue name. */
  deadLetter: string;
}

export function shopExchanges(prefix = 'shop'): ShopExchanges {
  return {
    events: `${prefix}.events`,
    commands: `${prefix}.commands`,
    audit: `${prefix}.audit`,
    notifications: `${prefix}.notifications`,
    deadLetter: `${prefix}.dead-letter`,
  };
}
