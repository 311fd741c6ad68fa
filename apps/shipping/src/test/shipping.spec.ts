import path from 'node:path';
import request from 'supertest';
import { connect } from 'amqplib';
import { brokerControl, until } from '@shopbus/testing';
import { randomUUID } from 'node:crypto';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CreateShipment,
  QuoteShipping,
  type ShippingAddress,
} from '@shopbus/contracts';
import {
  ShopTestClient,
  servedAsyncApi,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@shopbus/platform/testing';
import { ShippingModule } from '../app.module';
import { loadShippingConfig, type ShippingConfig } from '../config';

const address = (country = 'DE'): ShippingAddress => ({
  name: 'Ada Lovelace',
  street: '12 Analytical Row',
  city: 'Berlin',
  postalCode: '10115',
  country,
});

describe('the shipping service', () => {
  let shipping: ServiceUnderTest<ShippingConfig>;
  let client: ShopTestClient;

  const start = async (env: Record<string, string> = {}, relay: { maxAttempts?: number } = {}) => {
    shipping = await startServiceUnderTest({
      name: 'shipping',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'SHIPPING_DATABASE_URL',
      loadConfig: loadShippingConfig,
      module: (config) =>
        ShippingModule.forRoot(config, { relay: { pollIntervalMs: 50, ...relay } }),
      env,
    });
    client = await ShopTestClient.start(shipping.vhost);
  };
  afterEach(async () => {
    await client?.close();
    await shipping?.close();
  });

  const createShipment = async (orderId: string, country = 'DE') =>
    client.bus.send(CreateShipment, {
      orderId,
      shippingAddress: address(country),
      items: [{ sku: 'MUG-1', quantity: 2 }],
    });

  /** A shipment created for a new order, as shipping announced it. */
  const createdShipment = async () => {
    const orderId = randomUUID();
    await createShipment(orderId);
    const { payload } = await client.event<{ shipmentId: string; orderId: string }>(
      'shipment.created',
      (e) => e.orderId === orderId,
    );
    return payload;
  };

  describe('with the courier off', () => {
    beforeEach(() => start());

    it('serves an AsyncAPI 3 document that validates and names every message it handles and sends', async () => {
      const served = await servedAsyncApi(shipping.http);
      expect(served.errors).toEqual([]);
      expect(served.received).toEqual([
        'shipping.cancel-shipment',
        'shipping.courier-deliver',
        'shipping.courier-dispatch',
        'shipping.create-shipment',
        'shipping.quote',
      ]);
      expect(served.sent).toEqual([
        'shipment.cancelled',
        'shipment.created',
        'shipment.delivered',
        'shipment.dispatched',
        'shipment.failed',
        'shipping.courier-deliver',
        'shipping.courier-dispatch',
      ]);
      const page = await request(shipping.http as never)
        .get('/asyncapi')
        .expect(200);
      expect(page.text).toContain(
        '<h3 id="shipping.create-shipment">shipping.create-shipment</h3>',
      );
    });

    it('answers quote requests: a price for a served country, "not deliverable" for another', async () => {
      expect(await client.bus.request(QuoteShipping, { country: 'DE', itemCount: 2 })).toEqual({
        deliverable: true,
        priceCents: 590,
        estimatedDays: 2,
        carrier: 'DHL',
      });
      expect(
        await client.bus.request(QuoteShipping, { country: 'AQ', itemCount: 1 }),
      ).toMatchObject({
        deliverable: false,
      });
    });

    it('creates one shipment per order from the command and announces it', async () => {
      const orderId = randomUUID();
      const command = await createShipment(orderId);
      const created = await client.event<{ orderId: string; shipmentId: string }>(
        'shipment.created',
        (e) => e.orderId === orderId,
      );
      expect(created.causationId).toBe(command.messageId);

      const shown = await request(shipping.http as never)
        .get(`/shipments?orderId=${orderId}`)
        .expect(200);
      expect(shown.body).toMatchObject({
        id: created.payload.shipmentId,
        orderId,
        status: 'created',
        country: 'DE',
      });

      // The same order asked again (another command): still one shipment, no second event.
      await createShipment(orderId);
      await client.bus.send(CreateShipment, {
        orderId: randomUUID(),
        shippingAddress: address(),
        items: [{ sku: 'X', quantity: 1 }],
      });
      await client.event('shipment.created', (e: { orderId: string }) => e.orderId !== orderId);
      expect(
        client
          .eventsOf('shipment.created')
          .filter((e) => (e.payload as { orderId: string }).orderId === orderId),
      ).toHaveLength(1);
    });

    it('an address it cannot serve gives shipment.failed', async () => {
      const [antarctica, unknownPostalCode] = [randomUUID(), randomUUID()];
      await createShipment(antarctica, 'AQ');
      await client.bus.send(CreateShipment, {
        orderId: unknownPostalCode,
        shippingAddress: { ...address(), postalCode: '00000' },
        items: [{ sku: 'MUG-1', quantity: 1 }],
      });
      const failed = (orderId: string) =>
        client.event<{ orderId: string; reason: string }>(
          'shipment.failed',
          (e) => e.orderId === orderId,
        );
      expect((await failed(antarctica)).payload.reason).toBe('no delivery to AQ');
      expect((await failed(unknownPostalCode)).payload.reason).toBe(
        'the carrier does not know postal code 00000',
      );
    });

    it('dispatches and delivers through the REST API, each step once and in order', async () => {
      const orderId = randomUUID();
      await createShipment(orderId);
      const { payload } = await client.event<{ shipmentId: string }>('shipment.created');
      const api = request(shipping.http as never);

      await api.post(`/shipments/${payload.shipmentId}/deliver`).expect(409);
      const dispatched = await api.post(`/shipments/${payload.shipmentId}/dispatch`).expect(200);
      expect(dispatched.body.trackingNumber).toMatch(/^TRK-[0-9A-F]{10}$/);
      await api.post(`/shipments/${payload.shipmentId}/dispatch`).expect(409);
      await api.post(`/shipments/${payload.shipmentId}/deliver`).expect(200);

      const event = await client.event<{ trackingNumber: string }>('shipment.dispatched');
      // Caused by a REST call, yet in the order's conversation: correlated by the order id.
      expect(event.correlationId).toBe(orderId);
      expect(event.payload).toEqual({
        orderId,
        shipmentId: payload.shipmentId,
        trackingNumber: dispatched.body.trackingNumber,
      });
      await client.event('shipment.delivered');
      expect((await api.get(`/shipments/${payload.shipmentId}`).expect(200)).body.status).toBe(
        'delivered',
      );
    });

    it('answers 404 for an unknown shipment and 400 with the reason for a malformed id', async () => {
      const api = request(shipping.http as never);
      await api.get(`/shipments/${randomUUID()}`).expect(404);
      const bad = await api.post('/shipments/not-a-uuid/dispatch').expect(400);
      expect(bad.body.message).toMatch(/uuid is expected/);
    });

    it('cancels a shipment on the command sent straight to its queue, but not once dispatched', async () => {
      const [kept, cancelled] = [randomUUID(), randomUUID()];
      await createShipment(kept);
      await createShipment(cancelled);
      const keptShipment = await client.event<{ shipmentId: string; orderId?: string }>(
        'shipment.created',
        (e: { orderId?: string }) => e.orderId === kept,
      );
      await client.event('shipment.created', (e: { orderId?: string }) => e.orderId === cancelled);
      await request(shipping.http as never)
        .post(`/shipments/${keptShipment.payload.shipmentId}/dispatch`)
        .expect(200);

      await client.bus.send(
        CancelShipment,
        { orderId: cancelled, reason: 'customer' },
        { queue: CANCEL_SHIPMENT_QUEUE },
      );
      await client.bus.send(
        CancelShipment,
        { orderId: kept, reason: 'customer' },
        { queue: CANCEL_SHIPMENT_QUEUE },
      );

      const event = await client.event<{ orderId: string }>('shipment.cancelled');
      expect(event.payload.orderId).toBe(cancelled);
      const api = request(shipping.http as never);
      expect((await api.get(`/shipments?orderId=${cancelled}`)).body.status).toBe('cancelled');
      expect((await api.get(`/shipments?orderId=${kept}`)).body.status).toBe('dispatched');
    });

    it('lets an operator list, replay and purge its dead letters over HTTP, and only its own', async () => {
      // A broken client's command: it fails its schema and is dead-lettered at once.
      const connection = await connect(shipping.vhost.url);
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue('shipping.create-shipment', Buffer.from('{"orderId":"nope"}'), {
        messageId: 'broken-1',
        type: 'shipping.create-shipment',
      });
      await channel.waitForConfirms();
      await connection.close();
      const api = request(shipping.http as never);
      const listed = async () =>
        (await api.get('/admin/dead-letters/shipping.create-shipment').expect(200)).body;
      await until(async () => (await listed()).total === 1, 'the command dead-lettered');

      expect((await listed()).messages[0]).toMatchObject({
        messageId: 'broken-1',
        errorType: 'MessageValidationError',
        replayCount: 0,
      });
      const replay = await api
        .post('/admin/dead-letters/shipping.create-shipment/replay')
        .send({ messageIds: ['broken-1'] })
        .expect(200);
      expect(replay.body.replayed).toEqual(['broken-1']);
      // Still broken: it comes back, its replay counted.
      await until(
        async () => (await listed()).messages[0]?.replayCount === 1,
        'the replayed command back',
      );
      expect(
        (await api.delete('/admin/dead-letters/shipping.create-shipment').expect(200)).body,
      ).toEqual({ purged: 1 });
      await api.get('/admin/dead-letters/order.fulfilment').expect(404);
    });

    it('exposes Prometheus metrics with the outbox backlog', async () => {
      const { text } = await request(shipping.http as never)
        .get('/metrics')
        .expect(200);
      expect(text).toContain('shopbus_outbox_pending_messages 0');
      expect(text).toContain('shopbus_broker_blocked 0');
      expect(text).toContain('shopbus_endpoint_consuming{queue="shipping.courier"} 1');
      expect(text).toContain('process_cpu_user_seconds_total');
    });

    it('is ready when its database, broker, every consumer and the outbox relay are (/health/ready, /health), and live regardless', async () => {
      const api = request(shipping.http as never);
      for (const path of ['/health/ready', '/health']) {
        const health = await api.get(path).expect(200);
        expect(health.body).toMatchObject({
          status: 'ok',
          info: {
            database: { status: 'up' },
            broker: { status: 'up' },
            consumers: { status: 'up', endpoints: 4, idle: [] },
            outbox: { status: 'up', failed: 0, oldestPendingAgeMs: 0 },
          },
        });
      }
      expect((await api.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    });

    it('answers 503 with Retry-After while its database is away, is not ready but live, and recovers by itself', async () => {
      const api = request(shipping.http as never);
      const lookUp = () => api.get(`/shipments?orderId=${randomUUID()}`);
      await shipping.database.refuseConnections();
      try {
        const refused = await lookUp();
        expect(refused.status).toBe(503);
        expect(refused.headers['retry-after']).toBe('2');
        expect(refused.body.message).toMatch(/the database is unavailable; try again in 2 s/);
        const health = await api.get('/health/ready').expect(503);
        expect(health.body.error.database.status).toBe('down');
        await api.get('/health/live').expect(200);
      } finally {
        await shipping.database.acceptConnections();
      }
      await until(async () => (await api.get('/health/ready')).status === 200, 'ready again');
      await lookUp().expect(404);
    });

    it('is not ready while the broker blocks publishing, and says why; live all the same', async () => {
      const api = request(shipping.http as never);
      const { shipmentId } = await createdShipment();
      await brokerControl.raiseMemoryAlarm();
      try {
        // The broker blocks a connection once it publishes: the relay does, with shipment.dispatched.
        await api.post(`/shipments/${shipmentId}/dispatch`).expect(200);
        await until(
          async () => (await api.get('/health/ready')).status === 503,
          'readiness failing during the alarm',
        );
        const health = await api.get('/health/ready');
        expect(health.body.error.broker.message).toMatch(/RabbitMQ blocks publishing: .*memory/i);
        await api.get('/health/live').expect(200);
      } finally {
        await brokerControl.clearMemoryAlarm();
      }
      await until(async () => (await api.get('/health/ready')).status === 200, 'ready again');
    });
  });

  it('lets an operator see the outbox rows the relay gave up on, with why, and retry them once the cause is fixed', async () => {
    await start({}, { maxAttempts: 1 });
    const api = request(shipping.http as never);
    const { orderId, shipmentId } = await createdShipment();
    // Nobody listens to shipping's events any more: its next one cannot be routed.
    await client.close();
    const connection = await connect(shipping.vhost.url);
    await (await connection.createChannel()).deleteQueue('test-client.all-events');
    await connection.close();
    await api.post(`/shipments/${shipmentId}/dispatch`).expect(200);

    let failed: { messageType: string; lastError: string; messageId: string }[] = [];
    await until(
      async () => (failed = (await api.get('/admin/outbox/failed')).body).length === 1,
      'the row given up',
    );
    expect(failed[0]).toMatchObject({ messageType: 'shipment.dispatched', attempts: 1 });
    expect(failed[0].lastError).toMatch(/not routed to any queue/);
    await api.get('/admin/outbox/failed?limit=0').expect(400);
    await api
      .post('/admin/outbox/failed/retry')
      .send({ messageIds: ['x'] })
      .expect(400);

    client = await ShopTestClient.start(shipping.vhost);
    expect(
      (await api.post('/admin/outbox/failed/retry').send({ messageIds: [failed[0].messageId] }))
        .body,
    ).toEqual({ retried: 1 });
    await client.event('shipment.dispatched', (e: { orderId?: string }) => e.orderId === orderId);
    expect((await api.get('/admin/outbox/failed')).body).toEqual([]);
  });

  it('with the courier on, a created shipment is dispatched and delivered by scheduled messages', async () => {
    await start({
      COURIER_SIMULATION: 'true',
      COURIER_DISPATCH_AFTER_MS: '200',
      COURIER_DELIVER_AFTER_MS: '200',
    });
    const orderId = randomUUID();
    await createShipment(orderId);
    await client.event('shipment.dispatched', (e: { orderId?: string }) => e.orderId === orderId);
    await client.event('shipment.delivered', (e: { orderId?: string }) => e.orderId === orderId);
    const order = client.events.seen.map((e) => e.messageType);
    expect(order.indexOf('shipment.created')).toBeLessThan(order.indexOf('shipment.dispatched'));
    expect(order.indexOf('shipment.dispatched')).toBeLessThan(order.indexOf('shipment.delivered'));
  });
});
