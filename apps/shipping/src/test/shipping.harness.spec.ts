import path from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CreateShipment,
  QuoteShipping,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentDelivered,
  ShipmentDispatched,
  ShipmentFailed,
  type ShippingAddress,
} from '@shopbus/contracts';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import {
  startServiceOnHarness,
  startShopHarness,
  type ServiceOnHarness,
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

/** The shipping service's handlers, REST API and courier on the messaging harness. */
describe('the shipping service, on the harness', () => {
  let harness: MessagingHarness;
  let shipping: ServiceOnHarness<ShippingConfig>;
  let api: ReturnType<typeof request>;

  const start = async (env: Record<string, string> = {}) => {
    harness = await startShopHarness();
    shipping = await startServiceOnHarness({
      harness,
      name: 'shipping',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'SHIPPING_DATABASE_URL',
      loadConfig: loadShippingConfig,
      module: (config, onHarness) => ShippingModule.forRoot(config, onHarness),
      env,
    });
    api = request(shipping.http as never);
  };
  afterEach(async () => {
    await shipping?.close();
    await harness?.close();
  });

  const createShipment = (orderId: string, shippingAddress = address()) =>
    harness.bus.send(CreateShipment, {
      orderId,
      shippingAddress,
      items: [{ sku: 'MUG-1', quantity: 2 }],
    });
  const ofOrder = <M extends { payload: { orderId: string } }>(orderId: string, messages: M[]) =>
    messages.filter((m) => m.payload.orderId === orderId);

  describe('with the courier off', () => {
    beforeEach(() => start());

    it('answers quote requests: a price for a served country, "not deliverable" for another', async () => {
      expect(await harness.bus.request(QuoteShipping, { country: 'DE', itemCount: 2 })).toEqual({
        deliverable: true,
        priceCents: 590,
        estimatedDays: 2,
        carrier: 'DHL',
      });
      expect(
        await harness.bus.request(QuoteShipping, { country: 'AQ', itemCount: 1 }),
      ).toMatchObject({ deliverable: false });
    });

    it('creates one shipment per order from the command and announces it', async () => {
      const orderId = randomUUID();
      const command = await createShipment(orderId);
      await harness.whenQuiet();
      const [created] = ofOrder(orderId, harness.published(ShipmentCreated));
      expect(created.causationId).toBe(command.messageId);

      const shown = await api.get(`/shipments?orderId=${orderId}`).expect(200);
      expect(shown.body).toMatchObject({
        id: created.payload.shipmentId,
        orderId,
        status: 'created',
        country: 'DE',
      });

      // The same order asked again (another command): still one shipment, no second event.
      await createShipment(orderId);
      await harness.whenQuiet();
      expect(harness.consumed(CreateShipment)).toHaveLength(2);
      expect(ofOrder(orderId, harness.published(ShipmentCreated))).toHaveLength(1);
    });

    it('an address it cannot serve gives shipment.failed', async () => {
      const [antarctica, unknownPostalCode] = [randomUUID(), randomUUID()];
      await createShipment(antarctica, address('AQ'));
      await createShipment(unknownPostalCode, { ...address(), postalCode: '00000' });
      await harness.whenQuiet();

      const reasons = (orderId: string) =>
        ofOrder(orderId, harness.published(ShipmentFailed)).map((e) => e.payload.reason);
      expect(reasons(antarctica)).toEqual(['no delivery to AQ']);
      expect(reasons(unknownPostalCode)).toEqual(['the carrier does not know postal code 00000']);
      expect(harness.published(ShipmentCreated)).toEqual([]);
    });

    it('dispatches and delivers through the REST API, each step once and in order', async () => {
      const orderId = randomUUID();
      await createShipment(orderId);
      await harness.whenQuiet();
      const [{ payload }] = harness.published(ShipmentCreated);

      await api.post(`/shipments/${payload.shipmentId}/deliver`).expect(409);
      const dispatched = await api.post(`/shipments/${payload.shipmentId}/dispatch`).expect(200);
      expect(dispatched.body.trackingNumber).toMatch(/^TRK-[0-9A-F]{10}$/);
      await api.post(`/shipments/${payload.shipmentId}/dispatch`).expect(409);
      await api.post(`/shipments/${payload.shipmentId}/deliver`).expect(200);
      await harness.whenQuiet();

      const [event] = harness.published(ShipmentDispatched);
      // Caused by a REST call, yet in the order's conversation: correlated by the order id.
      expect(event.correlationId).toBe(orderId);
      expect(event.payload).toEqual({
        orderId,
        shipmentId: payload.shipmentId,
        trackingNumber: dispatched.body.trackingNumber,
      });
      expect(harness.published(ShipmentDispatched)).toHaveLength(1);
      expect(harness.published(ShipmentDelivered)).toHaveLength(1);
      expect((await api.get(`/shipments/${payload.shipmentId}`).expect(200)).body.status).toBe(
        'delivered',
      );
    });

    it('answers 404 for an unknown shipment and 400 with the reason for a malformed id', async () => {
      await api.get(`/shipments/${randomUUID()}`).expect(404);
      const bad = await api.post('/shipments/not-a-uuid/dispatch').expect(400);
      expect(bad.body.message).toMatch(/uuid is expected/);
    });

    it('cancels a shipment on the command sent straight to its queue, but not once dispatched', async () => {
      const [kept, cancelled] = [randomUUID(), randomUUID()];
      await createShipment(kept);
      await createShipment(cancelled);
      await harness.whenQuiet();
      const [keptShipment] = ofOrder(kept, harness.published(ShipmentCreated));
      await api.post(`/shipments/${keptShipment.payload.shipmentId}/dispatch`).expect(200);

      const to = { queue: CANCEL_SHIPMENT_QUEUE };
      await harness.bus.send(CancelShipment, { orderId: cancelled, reason: 'customer' }, to);
      await harness.bus.send(CancelShipment, { orderId: kept, reason: 'customer' }, to);
      await harness.whenQuiet();

      expect(harness.published(ShipmentCancelled).map((e) => e.payload.orderId)).toEqual([
        cancelled,
      ]);
      expect((await api.get(`/shipments?orderId=${cancelled}`)).body.status).toBe('cancelled');
      expect((await api.get(`/shipments?orderId=${kept}`)).body.status).toBe('dispatched');
    });

    it('a create-shipment command that breaks its schema is dead-lettered with the reason, and changes nothing', async () => {
      await harness.bus.transport.send(
        {
          metadata: {
            messageId: randomUUID(),
            messageType: CreateShipment.type,
            messageVersion: 1,
            correlationId: 'broken',
            conversationId: 'broken',
            sentAt: new Date().toISOString(),
            source: 'a-broken-client',
            headers: {},
          },
          body: Buffer.from('{"orderId":"nope"}'),
        },
        undefined,
      );
      await harness.whenQuiet();

      const [dead] = harness.deadLettered(CreateShipment);
      expect(dead).toMatchObject({
        queue: 'shipping.create-shipment',
        fault: { errorType: 'MessageValidationError' },
      });
      expect(dead.reason).toMatch(/orderId/);
      expect(harness.published(ShipmentCreated)).toEqual([]);
      expect(harness.consumed(CreateShipment)).toEqual([]);
    });
  });

  it('with the courier on, a created shipment is dispatched and delivered by scheduled messages, each at its time', async () => {
    await start({ COURIER_SIMULATION: 'true' });
    const orderId = randomUUID();
    await createShipment(orderId);
    await harness.whenQuiet();
    expect(ofOrder(orderId, harness.published(ShipmentCreated))).toHaveLength(1);
    expect(harness.published(ShipmentDispatched)).toEqual([]);

    // The courier's defaults: dispatched 3 s after creation, delivered 3 s after that.
    await harness.advance(2_999);
    expect(harness.published(ShipmentDispatched)).toEqual([]);
    await harness.advance(1);
    expect(ofOrder(orderId, harness.published(ShipmentDispatched))).toHaveLength(1);
    expect(harness.published(ShipmentDelivered)).toEqual([]);
    await harness.advance(3_000);
    expect(ofOrder(orderId, harness.published(ShipmentDelivered))).toHaveLength(1);
  });
});
