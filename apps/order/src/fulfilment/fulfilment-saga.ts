/**
 * The order fulfilment saga's decisions, as pure data: given the order's state and what
 * happened, the next state and what to do. No database, no broker: the handler applies the
 * decision in one transaction (state, history and messages through the outbox).
 *
 * The moves (any other event is ignored, or retried later when it overtook the one before it):
 *
 *     placed                ── shipment.created ──────────▶ awaiting-dispatch
 *     placed | awaiting     ── shipment.dispatched ───────▶ shipped ── shipment.delivered ──▶ delivered
 *     placed | awaiting     ── deadline | customer cancel ▶ cancelling   (cancel-shipment sent)
 *     cancelling            ── shipment.cancelled ────────▶ cancelled    (order.cancelled published)
 *     cancelling            ── shipment.dispatched ───────▶ shipped      (the parcel left first)
 *     placed | awaiting |   ── shipment.failed, ──────────▶ cancelled    (order.cancelled published)
 *       cancelling             create-shipment faulted
 *
 * The rule for a cancellation racing the dispatch: shipping owns the parcel, so only shipping can
 * say whether it left. A deadline or a customer's cancel moves the order to `cancelling` and asks
 * shipping to cancel the shipment; the order is cancelled (and the customer told) only when
 * shipping confirms (`shipment.cancelled`). If the parcel left first, shipping's
 * `shipment.dispatched` arrives instead and the order goes on to `shipped`: the customer is never
 * told both "cancelled" and "delivered".
 */
export type OrderStatus =
  'placed' | 'awaiting-dispatch' | 'cancelling' | 'shipped' | 'delivered' | 'cancelled';

export type FulfilmentEvent =
  | { type: 'shipment-created'; shipmentId: string }
  | { type: 'shipment-dispatched'; shipmentId: string; trackingNumber: string }
  | { type: 'shipment-delivered' }
  | { type: 'shipment-failed'; reason: string }
  | { type: 'shipment-cancelled' }
  | { type: 'deadline-passed' }
  | { type: 'customer-cancelled' }
  | { type: 'shipment-request-faulted'; reason: string };

export type FulfilmentAction =
  | 'publish-order-shipped'
  | 'publish-order-delivered'
  | 'publish-order-cancelled'
  | 'send-cancel-shipment'
  | 'cancel-deadline';

export type Decision =
  /** Move to `status` (or stay, recording the note), and carry out `actions`. */
  | {
      kind: 'step';
      status: OrderStatus;
      actions: FulfilmentAction[];
      note?: string;
      cancelReason?: string;
      shipmentId?: string;
      trackingNumber?: string;
    }
  /** Nothing to do: the event is stale or a duplicate in effect. */
  | { kind: 'ignore'; note: string }
  /** Too early: the event overtook one it depends on; try again later (redelivery). */
  | { kind: 'retry-later'; reason: string }
  /** Refused: the customer asked for something the order is past (REST: 409). */
  | { kind: 'refuse'; reason: string };

const beforeDispatch = (status: OrderStatus) =>
  status === 'placed' || status === 'awaiting-dispatch';

export function decide(status: OrderStatus, event: FulfilmentEvent): Decision {
  switch (event.type) {
    case 'shipment-created':
      // While cancelling, shipping cancels the new shipment on the command already on its way.
      return status === 'placed'
        ? { kind: 'step', status: 'awaiting-dispatch', actions: [], shipmentId: event.shipmentId }
        : { kind: 'ignore', note: `shipment created while ${status}` };

    case 'shipment-dispatched':
      if (beforeDispatch(status) || status === 'cancelling') {
        return {
          kind: 'step',
          status: 'shipped',
          actions: ['cancel-deadline', 'publish-order-shipped'],
          shipmentId: event.shipmentId,
          trackingNumber: event.trackingNumber,
          ...(status === 'cancelling' && {
            note: 'dispatched before the cancellation reached shipping: it goes ahead',
          }),
        };
      }
      return status === 'cancelled'
        ? {
            kind: 'step',
            status,
            actions: [],
            note: 'dispatched after the cancellation: to be returned',
          }
        : { kind: 'ignore', note: `dispatched while ${status}` };

    case 'shipment-delivered':
      if (status === 'shipped') {
        return { kind: 'step', status: 'delivered', actions: ['publish-order-delivered'] };
      }
      return beforeDispatch(status) || status === 'cancelling'
        ? { kind: 'retry-later', reason: 'delivered before its dispatch was recorded' }
        : { kind: 'ignore', note: `delivered while ${status}` };

    // No shipment will leave: nothing to ask of shipping, the order is cancelled at once. While
    // cancelling, the reason already recorded (the deadline, the customer) is kept.
    case 'shipment-failed':
      if (status === 'cancelling') return cancelled([]);
      return beforeDispatch(status)
        ? cancelled(['cancel-deadline'], `shipment failed: ${event.reason}`)
        : { kind: 'ignore', note: `shipment failed while ${status}` };

    case 'shipment-request-faulted':
      if (status === 'cancelling') return cancelled([]);
      return beforeDispatch(status)
        ? cancelled(['cancel-deadline'], `shipping could not take the order: ${event.reason}`)
        : { kind: 'ignore', note: `shipment request faulted while ${status}` };

    case 'shipment-cancelled':
      return status === 'cancelling'
        ? cancelled(['cancel-deadline'])
        : { kind: 'ignore', note: `shipment cancelled while ${status}` };

    case 'deadline-passed':
      return beforeDispatch(status)
        ? cancelling('not dispatched before the deadline', ['send-cancel-shipment'])
        : { kind: 'ignore', note: `deadline passed while ${status}` };

    case 'customer-cancelled':
      if (beforeDispatch(status)) {
        return cancelling('cancelled by the customer', ['cancel-deadline', 'send-cancel-shipment']);
      }
      if (status === 'cancelling') return { kind: 'ignore', note: 'already being cancelled' };
      return { kind: 'refuse', reason: `the order is ${status}: it can no longer be cancelled` };
  }
}

/** Asks shipping to cancel; the reason is recorded now and announced once it is confirmed. */
function cancelling(reason: string, actions: FulfilmentAction[]): Decision {
  return { kind: 'step', status: 'cancelling', actions, cancelReason: reason };
}

function cancelled(actions: FulfilmentAction[], reason?: string): Decision {
  return {
    kind: 'step',
    status: 'cancelled',
    actions: [...actions, 'publish-order-cancelled'],
    ...(reason !== undefined && { cancelReason: reason }),
  };
}
