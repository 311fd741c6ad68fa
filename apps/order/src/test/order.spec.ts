import path from 'node:path';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CartCheckedOut,
  CreateShipment,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
} from '@shopbus/contracts';
import { handlerFor, type PayloadOf } from '@shopbus/messaging-core';
import { Countdown, until } from '@shopbus/testing';
import {
  ShopTestClient,
  servedAsyncApi,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@shopbus/platform/testing';
import { OrderModule } from '../app.module';
import { loadOrderConfig, type OrderConfig } from '../config';

const checkout = (orderId: string = randomUUID()): PayloadOf<typeof CartCheckedOut> => ({
  cartId: randomUUID(),
  orderId,
  customerEmail: 'ada@example.com',
  shippingAddress: {
    name: 'Ada',
    street: '1 Row',
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
  },
  items: [{ sku: 'MUG-BLUE', name: 'Blue enamel mug', quantity: 2, unitPriceCents: 1290 }],
  itemsTotalCents: 2580,
  shippingCents: 590,
  totalCents: 3170,
});

describe('the order service and its fulfilment saga', () => {
  const services: ServiceUnderTest<OrderConfig>[] = [];
  let client: ShopTestClient;
  let api: ReturnType<typeof request>;
  /** Shipping's queues, played by the test client. */
  let shipmentRequests: Countdown<PayloadOf<typeof CreateShipment>>;
  let cancellations: Countdown<PayloadOf<typeof CancelShipment>>;

  const startOrder = (env: Record<string, string> = {}, shared?: ServiceUnderTest<OrderConfig>) =>
    startServiceUnderTest({
      name: 'order',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'ORDER_DATABASE_URL',
      loadConfig: loadOrderConfig,
      module: (config) =>
        OrderModule.forRoot(config, {
          relay: { pollIntervalMs: 50 },
          messaging: {
            recoverability: { immediateIntervalMs: 10, redeliveryDelaysMs: [200, 400] },
          },
        }),
      env,
      vhost: shared?.vhost,
      database: shared?.database,
    }).then((service) => {
      services.push(service);
      return service;
    });

  const start = async (env: Record<string, string> = {}) => {
    const order = await startOrder(env);
    client = await ShopTestClient.start(order.vhost);
    api = request(order.http as never);
    shipmentRequests = new Countdown();
    cancellations = new Countdown();
    await client.bus.subscribe({
      queue: 'shipping.create-shipment',
      handlers: [handlerFor(CreateShipment, async (command) => shipmentRequests.record(command))],
    });
    await client.bus.subscribe({
      queue: CANCEL_SHIPMENT_QUEUE,
      handlers: [handlerFor(CancelShipment, async (command) => cancellations.record(command))],
    });
    return order;
  };
  afterEach(async () => {
    await client?.close();
    for (const service of services.splice(0).reverse()) await service.close();
  });

  /** Checks out, waits for the order to exist, and returns its id. */
  const place = async () => {
    const { orderId } = checkout();
    await client.bus.publish(CartCheckedOut, checkout(orderId), { correlationId: orderId });
    await client.event('order.placed', (e: { orderId: string }) => e.orderId === orderId);
    return orderId;
  };
  const statusOf = async (orderId: string) => (await api.get(`/orders/${orderId}`)).body.status;
  const untilStatus = (orderId: string, status: string) =>
    until(async () => (await statusOf(orderId)) === status, `order ${orderId} ${status}`);

  it('serves an AsyncAPI 3 document that validates and names every message it handles and sends', async () => {
    const order = await start();
    const served = await servedAsyncApi(order.http);
    expect(served.errors).toEqual([]);
    expect(served.received).toEqual([
      'cart.checked-out',
      'order.dispatch-deadline-passed',
      'shipment.cancelled',
      'shipment.created',
      'shipment.delivered',
      'shipment.dispatched',
      'shipment.failed',
      'shipping.create-shipment.faulted',
    ]);
    expect(served.sent).toEqual([
      'order.cancelled',
      'order.delivered',
      'order.dispatch-deadline-passed',
      'order.placed',
      'order.shipped',
      'shipping.cancel-shipment',
      'shipping.create-shipment',
    ]);
  });

  it('places the order, asks for a shipment and follows it to delivered', async () => {
    await start();
    const orderId = await place();
    const [command] = await shipmentRequests.reach(1);
    expect(command).toMatchObject({ orderId, items: [{ sku: 'MUG-BLUE', quantity: 2 }] });

    const shipmentId = randomUUID();
    await client.bus.publish(ShipmentCreated, { orderId, shipmentId });
    await untilStatus(orderId, 'awaiting-dispatch');
    await client.bus.publish(ShipmentDispatched, { orderId, shipmentId, trackingNumber: 'TRK-1' });
    await client.bus.publish(ShipmentDelivered, { orderId, shipmentId });
    await untilStatus(orderId, 'delivered');

    const { body } = await api.get(`/orders/${orderId}`).expect(200);
    expect(body).toMatchObject({
      status: 'delivered',
      shipmentId,
      trackingNumber: 'TRK-1',
      totalCents: 3170,
    });
    expect(
      body.history.map(
        (step: { status: string; cause: string }) => `${step.status} ← ${step.cause}`,
      ),
    ).toEqual([
      'placed ← cart.checked-out',
      'awaiting-dispatch ← shipment.created',
      'shipped ← shipment.dispatched',
      'delivered ← shipment.delivered',
    ]);
    const shipped = await client.event<{ trackingNumber: string }>('order.shipped');
    expect(shipped.payload.trackingNumber).toBe('TRK-1');
    expect(shipped.correlationId).toBe(orderId);
    await client.event('order.delivered');
    await services[0].untilOutboxDrained();
    expect(cancellations.seen).toEqual([]);
  });

  it('at the deadline asks shipping to cancel, and is cancelled once shipping confirms', async () => {
    await start({ ORDER_DISPATCH_DEADLINE_MS: '500' });
    const orderId = await place();
    const shipmentId = randomUUID();
    await client.bus.publish(ShipmentCreated, { orderId, shipmentId });

    const [cancellation] = await cancellations.reach(1);
    expect(cancellation).toEqual({ orderId, reason: 'not dispatched before the deadline' });
    await untilStatus(orderId, 'cancelling');
    await services[0].untilOutboxDrained();
    expect(client.eventsOf('order.cancelled')).toEqual([]);

    await client.bus.publish(ShipmentCancelled, { orderId, shipmentId });
    const cancelled = await client.event<{ reason: string }>('order.cancelled');
    expect(cancelled.payload.reason).toBe('not dispatched before the deadline');
    expect(await statusOf(orderId)).toBe('cancelled');
  });

  it('goes on to shipped when the parcel left before the deadline’s cancellation reached shipping: never both cancelled and delivered', async () => {
    await start({ ORDER_DISPATCH_DEADLINE_MS: '300' });
    const orderId = await place();
    const shipmentId = randomUUID();
    await client.bus.publish(ShipmentCreated, { orderId, shipmentId });
    await cancellations.reach(1);
    await untilStatus(orderId, 'cancelling');

    // Shipping had dispatched already: it refuses the cancellation and its dispatch arrives.
    await client.bus.publish(ShipmentDispatched, { orderId, shipmentId, trackingNumber: 'TRK-9' });
    await client.event('order.shipped', (e: { orderId: string }) => e.orderId === orderId);
    await client.bus.publish(ShipmentDelivered, { orderId, shipmentId });
    await untilStatus(orderId, 'delivered');
    await services[0].untilOutboxDrained();
    expect(client.eventsOf('order.cancelled')).toEqual([]);
    const { body } = await api.get(`/orders/${orderId}`);
    expect(body.history.map((step: { status: string }) => step.status)).toEqual([
      'placed',
      'awaiting-dispatch',
      'cancelling',
      'shipped',
      'delivered',
    ]);
  });

  it('cancels when the shipment fails, without a cancellation to shipping', async () => {
    await start();
    const orderId = await place();
    await client.bus.publish(ShipmentFailed, {
      orderId,
      reason: 'the carrier does not know postal code 00000',
    });
    await untilStatus(orderId, 'cancelled');
    expect((await api.get(`/orders/${orderId}`)).body.cancelReason).toBe(
      'shipment failed: the carrier does not know postal code 00000',
    );
    await client.event('order.cancelled');
    await services[0].untilOutboxDrained();
    expect(cancellations.seen).toEqual([]);
  });

  it('lets the customer cancel before dispatch (202, cancelled once shipping confirms) but not after (409)', async () => {
    await start();
    const [early, late] = [await place(), await place()];
    await client.bus.publish(ShipmentDispatched, {
      orderId: late,
      shipmentId: randomUUID(),
      trackingNumber: 'TRK-2',
    });
    await untilStatus(late, 'shipped');

    const cancelling = await api.post(`/orders/${early}/cancel`).expect(202);
    expect(cancelling.body).toMatchObject({
      status: 'cancelling',
      cancelReason: 'cancelled by the customer',
    });
    expect((await cancellations.reach(1))[0]).toEqual({
      orderId: early,
      reason: 'cancelled by the customer',
    });
    // Asking again while shipping has not answered changes nothing.
    expect((await api.post(`/orders/${early}/cancel`).expect(202)).body.status).toBe('cancelling');
    await client.bus.publish(ShipmentCancelled, { orderId: early, shipmentId: randomUUID() });
    const event = await client.event<{ orderId: string }>('order.cancelled');
    expect(event.correlationId).toBe(early);
    expect(cancellations.seen).toHaveLength(1);

    const refused = await api.post(`/orders/${late}/cancel`).expect(409);
    expect(refused.body.message).toMatch(/the order is shipped: it can no longer be cancelled/);
    await api.post(`/orders/${early}/cancel`).expect(409);
    await api.post(`/orders/${randomUUID()}/cancel`).expect(404);
    await api.get('/orders/nope').expect(400);
  });

  it('makes one order of a checkout delivered twice', async () => {
    await start();
    const payload = checkout();
    await client.bus.publish(CartCheckedOut, payload);
    await client.bus.publish(CartCheckedOut, payload);
    await client.event('order.placed');
    await shipmentRequests.reach(1);
    await until(
      () => client.events.seen.filter((e) => e.messageType === 'cart.checked-out').length === 2,
      'both deliveries',
    );
    // Both checkouts handled (their inbox rows exist) and still one order.
    const order = services[0];
    await until(
      async () => (await order.database.query('SELECT 1 FROM inbox_message')).length === 2,
      'both checkouts handled',
    );
    expect(client.eventsOf('order.placed')).toHaveLength(1);
    expect(shipmentRequests.seen).toHaveLength(1);
  });

  it('two instances side by side: every checkout makes exactly one order', async () => {
    const first = await start();
    await startOrder({}, first);
    const orderIds = Array.from({ length: 20 }, () => randomUUID());
    for (const orderId of orderIds) await client.bus.publish(CartCheckedOut, checkout(orderId));

    await until(() => client.eventsOf('order.placed').length >= 20, '20 orders placed', 20_000);
    await shipmentRequests.reach(20);
    const placed = client
      .eventsOf('order.placed')
      .map((e) => (e.payload as { orderId: string }).orderId);
    expect(placed.sort()).toEqual([...orderIds].sort());
    const rows = await first.database.query<{ n: string }>('SELECT count(*) AS n FROM "order"');
    expect(Number(rows[0].n)).toBe(20);
  });
});
