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
    // Shipping owns the parcel: the order asks it to cancel, and says nothing to anyone yet.
    expect(decide(status, { type: 'deadline-passed' })).toEqual({
      kind: 'step',
      status: 'cancelling',
      actions: ['send-cancel-shipment'],
      cancelReason: 'not dispatched before the deadline',
    });
    expect(decide(status, { type: 'customer-cancelled' })).toEqual({
      kind: 'step',
      status: 'cancelling',
      actions: ['cancel-deadline', 'send-cancel-shipment'],
      cancelReason: 'cancelled by the customer',
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

  it('while cancelling: cancelled when shipping confirms, shipped when the parcel left first', () => {
    expect(decide('cancelling', { type: 'shipment-cancelled' })).toEqual({
      kind: 'step',
      status: 'cancelled',
      actions: ['cancel-deadline', 'publish-order-cancelled'],
    });
    expect(
      decide('cancelling', { type: 'shipment-dispatched', shipmentId: 's', trackingNumber: 't' }),
    ).toMatchObject({
      status: 'shipped',
      actions: ['cancel-deadline', 'publish-order-shipped'],
      note: 'dispatched before the cancellation reached shipping: it goes ahead',
    });
    // No shipment will leave: cancelled, keeping the reason already recorded.
    expect(decide('cancelling', { type: 'shipment-failed', reason: 'x' })).toEqual({
      kind: 'step',
      status: 'cancelled',
      actions: ['publish-order-cancelled'],
    });
    expect(decide('cancelling', { type: 'shipment-delivered' }).kind).toBe('retry-later');
    expect(decide('cancelling', { type: 'customer-cancelled' }).kind).toBe('ignore');
    expect(decide('cancelling', { type: 'deadline-passed' }).kind).toBe('ignore');
    expect(decide('awaiting-dispatch', { type: 'shipment-cancelled' }).kind).toBe('ignore');
  });
});
