/**
 * The order fulfilment saga's decisions, as pure data: given the order's state and what
 * happened, the next state and what to do. No database, no broker: the handler applies the
 * decision in one transaction (state, history and messages through the outbox).
 *
 *     placed ──shipment.created──▶ awaiting-dispatch ──shipment.dispatched──▶ shipped ──▶ delivered
 *        │                              │
 *        └── deadline passed / shipment.failed / customer cancels / create-shipment faulted ──▶ cancelled
 */
export type OrderStatus = 'placed' | 'awaiting-dispatch' | 'shipped' | 'delivered' | 'cancelled';

export type FulfilmentEvent =
  | { type: 'shipment-created'; shipmentId: string }
  | { type: 'shipment-dispatched'; shipmentId: string; trackingNumber: string }
  | { type: 'shipment-delivered' }
  | { type: 'shipment-failed'; reason: string }
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
      return status === 'placed'
        ? { kind: 'step', status: 'awaiting-dispatch', actions: [], shipmentId: event.shipmentId }
        : { kind: 'ignore', note: `shipment created while ${status}` };

    case 'shipment-dispatched':
      if (beforeDispatch(status)) {
        return {
          kind: 'step',
          status: 'shipped',
          actions: ['cancel-deadline', 'publish-order-shipped'],
          shipmentId: event.shipmentId,
          trackingNumber: event.trackingNumber,
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
      return beforeDispatch(status)
        ? { kind: 'retry-later', reason: 'delivered before its dispatch was recorded' }
        : { kind: 'ignore', note: `delivered while ${status}` };

    case 'shipment-failed':
      return beforeDispatch(status)
        ? cancel(`shipment failed: ${event.reason}`, ['cancel-deadline'])
        : { kind: 'ignore', note: `shipment failed while ${status}` };

    case 'shipment-request-faulted':
      return beforeDispatch(status)
        ? cancel(`shipping could not take the order: ${event.reason}`, ['cancel-deadline'])
        : { kind: 'ignore', note: `shipment request faulted while ${status}` };

    case 'deadline-passed':
      return beforeDispatch(status)
        ? cancel('not dispatched before the deadline', ['send-cancel-shipment'])
        : { kind: 'ignore', note: `deadline passed while ${status}` };

    case 'customer-cancelled':
      if (beforeDispatch(status)) {
        return cancel('cancelled by the customer', ['cancel-deadline', 'send-cancel-shipment']);
      }
      return { kind: 'refuse', reason: `the order is ${status}: it can no longer be cancelled` };
  }
}

function cancel(reason: string, actions: FulfilmentAction[]): Decision {
  return {
    kind: 'step',
    status: 'cancelled',
    actions: [...actions, 'publish-order-cancelled'],
    cancelReason: reason,
  };
}
