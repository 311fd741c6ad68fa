import path from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CartCheckedOut,
  CreateShipment,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderShipped,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
} from '@shopbus/contracts';
import { handlerFor } from '@shopbus/messaging-core';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import {
  startServiceOnHarness,
  startShopHarness,
  type ServiceOnHarness,
} from '@shopbus/platform/testing';
import { OrderModule } from '../app.module';
import { loadOrderConfig, type OrderConfig } from '../config';
import { checkout } from './checkout.fixture';

const HOUR = 60 * 60 * 1000;

/**
 * The order service's saga on the messaging harness: its real module and database, an in-memory
 * broker, and a virtual clock, so the one-hour dispatch deadline (the production default, not
 * shortened) passes when the test says so. Shipping's queues are played by the harness's bus.
 */
describe('the order service’s fulfilment saga, on the harness', () => {
  let harness: MessagingHarness;
  let order: ServiceOnHarness<OrderConfig>;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    harness = await startShopHarness();
    order = await startServiceOnHarness({
      harness,
      name: 'order',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'ORDER_DATABASE_URL',
      loadConfig: loadOrderConfig,
      module: (config, onHarness) => OrderModule.forRoot(config, onHarness),
    });
    api = request(order.http as never);
    for (const [queue, contract] of [
      ['shipping.create-shipment', CreateShipment],
      [CANCEL_SHIPMENT_QUEUE, CancelShipment],
    ] as const) {
      await harness.bus.subscribe({
        queue,
        handlers: [handlerFor(contract, async () => undefined)],
      });
    }
  });
  afterEach(async () => {
    await order.close();
    await harness.close();
  });

  const place = async () => {
    const { orderId } = checkout();
    await harness.bus.publish(CartCheckedOut, checkout(orderId), { correlationId: orderId });
    await harness.whenQuiet();
    return orderId;
  };
  const orderView = async (orderId: string) =>
    (await api.get(`/orders/${orderId}`).expect(200)).body;
  const ofOrder = <T extends { orderId: string }>(orderId: string, messages: { payload: T }[]) =>
    messages.filter((m) => m.payload.orderId === orderId).map((m) => m.payload);

  it('places the order, asks for a shipment and follows it to delivered', async () => {
    const orderId = await place();
    expect(ofOrder(orderId, harness.published(OrderPlaced))).toEqual([
      { orderId, customerEmail: 'ada@example.com', totalCents: 3170, itemCount: 2 },
    ]);
    expect(ofOrder(orderId, harness.sent(CreateShipment))).toEqual([
      expect.objectContaining({ orderId, items: [{ sku: 'MUG-BLUE', quantity: 2 }] }),
    ]);

    const shipmentId = randomUUID();
    await harness.bus.publish(ShipmentCreated, { orderId, shipmentId });
    await harness.bus.publish(ShipmentDispatched, { orderId, shipmentId, trackingNumber: 'TRK-1' });
    await harness.bus.publish(ShipmentDelivered, { orderId, shipmentId });
    await harness.whenQuiet();

    const body = await orderView(orderId);
    expect(body).toMatchObject({
      status: 'delivered',
      shipmentId,
      trackingNumber: 'TRK-1',
      totalCents: 3170,
    });
    expect(
      body.history.map((s: { status: string; cause: string }) => `${s.status} ← ${s.cause}`),
    ).toEqual([
      'placed ← cart.checked-out',
      'awaiting-dispatch ← shipment.created',
      'shipped ← shipment.dispatched',
      'delivered ← shipment.delivered',
    ]);
    const [shipped] = harness.published(OrderShipped);
    expect(shipped).toMatchObject({ payload: { trackingNumber: 'TRK-1' }, correlationId: orderId });
    expect(ofOrder(orderId, harness.published(OrderDelivered))).toHaveLength(1);
    expect(harness.sent(CancelShipment)).toEqual([]);
    // The deadline was cancelled with the dispatch: a day later nothing more happens.
    await harness.advance(24 * HOUR);
    expect(harness.sent(CancelShipment)).toEqual([]);
  });

  it('an hour after placing, still undispatched, it asks shipping to cancel, and is cancelled once shipping confirms', async () => {
    const orderId = await place();
    const shipmentId = randomUUID();
    await harness.bus.publish(ShipmentCreated, { orderId, shipmentId });

    await harness.advance(HOUR - 1000);
    expect(harness.sent(CancelShipment)).toEqual([]);
    expect((await orderView(orderId)).status).toBe('awaiting-dispatch');

    await harness.advance(1000);
    expect(ofOrder(orderId, harness.sent(CancelShipment))).toEqual([
      { orderId, reason: 'not dispatched before the deadline' },
    ]);
    expect((await orderView(orderId)).status).toBe('cancelling');
    expect(harness.published(OrderCancelled)).toEqual([]);

    await harness.bus.publish(ShipmentCancelled, { orderId, shipmentId });
    await harness.whenQuiet();
    expect(ofOrder(orderId, harness.published(OrderCancelled))).toEqual([
      { orderId, customerEmail: 'ada@example.com', reason: 'not dispatched before the deadline' },
    ]);
    expect((await orderView(orderId)).status).toBe('cancelled');
  });

  it('goes on to shipped when the parcel left before the deadline’s cancellation reached shipping: never both cancelled and delivered', async () => {
    const orderId = await place();
    const shipmentId = randomUUID();
    await harness.bus.publish(ShipmentCreated, { orderId, shipmentId });
    await harness.advance(HOUR);
    expect(ofOrder(orderId, harness.sent(CancelShipment))).toHaveLength(1);

    // Shipping had dispatched already: it refuses the cancellation and its dispatch arrives.
    await harness.bus.publish(ShipmentDispatched, { orderId, shipmentId, trackingNumber: 'TRK-9' });
    await harness.bus.publish(ShipmentDelivered, { orderId, shipmentId });
    await harness.whenQuiet();

    expect(harness.published(OrderCancelled)).toEqual([]);
    expect(ofOrder(orderId, harness.published(OrderShipped))).toHaveLength(1);
    const body = await orderView(orderId);
    expect(body.history.map((step: { status: string }) => step.status)).toEqual([
      'placed',
      'awaiting-dispatch',
      'cancelling',
      'shipped',
      'delivered',
    ]);
  });

  it('cancels when the shipment fails, without a cancellation to shipping', async () => {
    const orderId = await place();
    await harness.bus.publish(ShipmentFailed, {
      orderId,
      reason: 'the carrier does not know postal code 00000',
    });
    await harness.whenQuiet();

    expect(await orderView(orderId)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'shipment failed: the carrier does not know postal code 00000',
    });
    expect(ofOrder(orderId, harness.published(OrderCancelled))).toHaveLength(1);
    expect(harness.sent(CancelShipment)).toEqual([]);
    // Its deadline went with it.
    await harness.advance(2 * HOUR);
    expect(harness.sent(CancelShipment)).toEqual([]);
  });

  it('lets the customer cancel before dispatch (202, cancelled once shipping confirms) but not after (409)', async () => {
    const [early, late] = [await place(), await place()];
    await harness.bus.publish(ShipmentDispatched, {
      orderId: late,
      shipmentId: randomUUID(),
      trackingNumber: 'TRK-2',
    });
    await harness.whenQuiet();

    const cancelling = await api.post(`/orders/${early}/cancel`).expect(202);
    expect(cancelling.body).toMatchObject({
      status: 'cancelling',
      cancelReason: 'cancelled by the customer',
    });
    await harness.whenQuiet();
    expect(harness.sent(CancelShipment).map((m) => m.payload)).toEqual([
      { orderId: early, reason: 'cancelled by the customer' },
    ]);
    // Asking again while shipping has not answered changes nothing.
    expect((await api.post(`/orders/${early}/cancel`).expect(202)).body.status).toBe('cancelling');
    await harness.bus.publish(ShipmentCancelled, { orderId: early, shipmentId: randomUUID() });
    await harness.whenQuiet();
    const [event] = harness.published(OrderCancelled);
    expect(event.correlationId).toBe(early);
    expect(harness.sent(CancelShipment)).toHaveLength(1);

    const refused = await api.post(`/orders/${late}/cancel`).expect(409);
    expect(refused.body.message).toMatch(/the order is shipped: it can no longer be cancelled/);
    await api.post(`/orders/${early}/cancel`).expect(409);
    await api.post(`/orders/${randomUUID()}/cancel`).expect(404);
    await api.get('/orders/nope').expect(400);
  });

  it('makes one order of a checkout delivered twice', async () => {
    const payload = checkout();
    await harness.bus.publish(CartCheckedOut, payload);
    await harness.bus.publish(CartCheckedOut, payload);
    await harness.whenQuiet();

    expect(harness.consumed(CartCheckedOut)).toHaveLength(2);
    expect(await order.database.query('SELECT 1 FROM inbox_message')).toHaveLength(2);
    expect(harness.published(OrderPlaced)).toHaveLength(1);
    expect(harness.sent(CreateShipment)).toHaveLength(1);
  });
});
