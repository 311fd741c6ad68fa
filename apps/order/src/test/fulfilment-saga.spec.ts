import { decide, type OrderStatus } from '../fulfilment/fulfilment-saga';

describe('the fulfilment saga’s decisions', () => {
  it('walks the happy path: placed → awaiting-dispatch → shipped → delivered', () => {
    expect(decide('placed', { type: 'shipment-created', shipmentId: 's' })).toMatchObject({
      status: 'awaiting-dispatch',
      shipmentId: 's',
    });
    expect(
      decide('awaiting-dispatch', {
        type: 'shipment-dispatched',
        shipmentId: 's',
        trackingNumber: 't',
      }),
    ).toEqual({
      kind: 'step',
      status: 'shipped',
      actions: ['cancel-deadline', 'publish-order-shipped'],
      shipmentId: 's',
      trackingNumber: 't',
    });
    expect(decide('shipped', { type: 'shipment-delivered' })).toEqual({
      kind: 'step',
      status: 'delivered',
      actions: ['publish-order-delivered'],
    });
  });

  it.each<[OrderStatus]>([['placed'], ['awaiting-dispatch']])('compensates from %s', (status) => {
    expect(decide(status, { type: 'deadline-passed' })).toMatchObject({
      status: 'cancelled',
      actions: ['send-cancel-shipment', 'publish-order-cancelled'],
      cancelReason: 'not dispatched before the deadline',
    });
    expect(decide(status, { type: 'customer-cancelled' })).toMatchObject({
      status: 'cancelled',
      actions: ['cancel-deadline', 'send-cancel-shipment', 'publish-order-cancelled'],
    });
    // A failed shipment needs no cancelling at shipping.
    expect(decide(status, { type: 'shipment-failed', reason: 'no route' })).toMatchObject({
      status: 'cancelled',
      actions: ['cancel-deadline', 'publish-order-cancelled'],
      cancelReason: 'shipment failed: no route',
    });
  });

  it('refuses a cancellation after dispatch, and ignores a deadline that passed after it', () => {
    expect(decide('shipped', { type: 'customer-cancelled' })).toEqual({
      kind: 'refuse',
      reason: 'the order is shipped: it can no longer be cancelled',
    });
    expect(decide('delivered', { type: 'customer-cancelled' }).kind).toBe('refuse');
    expect(decide('cancelled', { type: 'customer-cancelled' }).kind).toBe('refuse');
    expect(decide('shipped', { type: 'deadline-passed' }).kind).toBe('ignore');
  });

  it('asks to see a delivery again later when it overtook its dispatch', () => {
    expect(decide('awaiting-dispatch', { type: 'shipment-delivered' }).kind).toBe('retry-later');
  });

  it('records a dispatch that came after the cancellation without undoing it', () => {
    expect(
      decide('cancelled', { type: 'shipment-dispatched', shipmentId: 's', trackingNumber: 't' }),
    ).toMatchObject({
      kind: 'step',
      status: 'cancelled',
      actions: [],
    });
  });
});
