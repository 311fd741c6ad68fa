import request from 'supertest';
import { randomUUID } from 'node:crypto';
import {
  CartAbandoned,
  CartCheckedOut,
  OrderDelivered,
  OrderCancelled,
  OrderPlaced,
  OrderShipped,
  ShipmentDispatched,
} from '@shopbus/contracts';
import { toOutbound, type AnyContract } from '@shopbus/messaging-core';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import {
  asOperator,
  prometheusSamples,
  sampleTotal,
  startShopHarness,
  type ServiceOnHarness,
} from '@shopbus/platform/testing';
import type { NotificationConfig } from '../config';
import { startNotificationOnHarness } from './notification-on-harness';

/**
 * The notification service's handlers, routing and audit log on the messaging harness: its real
 * module and database, an in-memory broker with the shop's headers and fanout exchanges, and a
 * virtual clock for its redeliveries (the library's default delays, not shortened).
 */
describe('the notification service, on the harness', () => {
  let harness: MessagingHarness;
  let notification: ServiceOnHarness<NotificationConfig>;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    harness = await startShopHarness();
    notification = await startNotificationOnHarness(harness);
    api = request(notification.http as never);
  });
  afterEach(async () => {
    await notification.close();
    await harness.close();
  });

  /** The audit log is an operator route. */
  const audit = (url: string) => api.get(url).set('Authorization', asOperator('read'));
  const notificationsOf = async (email: string) =>
    (
      await api
        .get(`/notifications?email=${encodeURIComponent(email)}`)
        .set('Authorization', asOperator('read'))
        .expect(200)
    ).body;

  it('tells the customer of their order, and of its dispatch through the contact kept from order.placed', async () => {
    const orderId = randomUUID();
    await harness.bus.publish(
      OrderPlaced,
      { orderId, customerEmail: 'ada@example.com', totalCents: 3170, itemCount: 2 },
      { correlationId: orderId },
    );
    await harness.bus.publish(
      ShipmentDispatched,
      { orderId, shipmentId: randomUUID(), trackingNumber: 'TRK-9' },
      { correlationId: orderId },
    );

    await harness.whenQuiet();
    // Each notification is delivered by its own command: the two may be stored in either order.
    const stored: { cause: string; body: string }[] = await notificationsOf('ada@example.com');
    const byCause = new Map(stored.map((n) => [n.cause, n]));
    expect([...byCause.keys()].sort()).toEqual(['order.placed', 'shipment.dispatched']);
    const [placed, dispatched] = [byCause.get('order.placed'), byCause.get('shipment.dispatched')];
    expect(placed).toMatchObject({
      channel: 'email',
      priority: 'normal',
      subject: 'We have your order',
      cause: 'order.placed',
      orderId,
      correlationId: orderId,
    });
    expect(placed?.body).toContain('€31.70');
    expect(dispatched).toMatchObject({ cause: 'shipment.dispatched', orderId });
    expect(dispatched?.body).toContain('TRK-9');
  });

  it('waits for order.placed when a shipment event overtakes it', async () => {
    const orderId = randomUUID();
    await harness.bus.publish(ShipmentDispatched, {
      orderId,
      shipmentId: randomUUID(),
      trackingNumber: 'TRK-7',
    });
    await harness.whenQuiet();
    // No contact yet: the dispatch waits out its first redelivery delay (1 s).
    expect(await notificationsOf('grace@example.com')).toEqual([]);

    await harness.bus.publish(OrderPlaced, {
      orderId,
      customerEmail: 'grace@example.com',
      totalCents: 100,
      itemCount: 1,
    });
    await harness.advance(1000);
    expect(harness.deadLettered(ShipmentDispatched)).toEqual([]);
    expect(
      (await notificationsOf('grace@example.com')).map((n: { cause: string }) => n.cause).sort(),
    ).toEqual(['order.placed', 'shipment.dispatched']);
  });

  it('routes a high-priority notification to the urgent channel as well (headers exchange, x-match any)', async () => {
    await harness.bus.publish(OrderCancelled, {
      orderId: randomUUID(),
      customerEmail: 'ada@example.com',
      reason: 'not dispatched before the deadline',
    });
    await harness.whenQuiet();
    const channels = (await notificationsOf('ada@example.com')).map(
      (n: { channel: string; priority: string }) => `${n.channel}/${n.priority}`,
    );
    expect(channels.sort()).toEqual(['email/high', 'urgent/high']);
  });

  it('reminds of an abandoned cart when it knows the email, and skips events it has no template for', async () => {
    await harness.bus.publish(CartAbandoned, {
      cartId: randomUUID(),
      customerEmail: 'ada@example.com',
      itemCount: 2,
      totalCents: 2580,
    });
    await harness.bus.publish(CartAbandoned, {
      cartId: randomUUID(),
      itemCount: 1,
      totalCents: 390,
    });
    await harness.bus.publish(OrderShipped, {
      orderId: randomUUID(),
      customerEmail: 'ada@example.com',
      trackingNumber: 'T',
    });
    await harness.whenQuiet();
    // Everything was taken from the queue, nothing dead-lettered, and one reminder only.
    expect(harness.deadLettered(CartAbandoned)).toEqual([]);
    expect(harness.deadLettered(OrderShipped)).toEqual([]);
    expect(
      await notification.database.query(
        `SELECT 1 FROM inbox_message WHERE consumer = 'notification.customer-events'`,
      ),
    ).toHaveLength(2);
    expect(await notificationsOf('ada@example.com')).toEqual([
      expect.objectContaining({ subject: 'You left something in your cart' }),
    ]);
  });

  it('keeps every event in the audit log, and shows one flow in order by its correlation id', async () => {
    const orderId = randomUUID();
    const placed = await harness.bus.publish(
      OrderPlaced,
      { orderId, customerEmail: 'ada@example.com', totalCents: 1, itemCount: 1 },
      { correlationId: orderId },
    );
    await harness.bus.publish(
      OrderShipped,
      { orderId, customerEmail: 'ada@example.com', trackingNumber: 'T' },
      { correlationId: orderId },
    );
    await harness.bus.publish(OrderPlaced, {
      orderId: randomUUID(),
      customerEmail: 'x@example.com',
      totalCents: 1,
      itemCount: 1,
    });

    await harness.whenQuiet();
    const journey = (await audit(`/audit?correlationId=${orderId}`).expect(200)).body;
    expect(journey.map((e: { messageType: string }) => e.messageType)).toEqual([
      'order.placed',
      'order.shipped',
    ]);
    expect(journey[0]).toMatchObject({
      messageId: placed.messageId,
      source: 'test',
      payload: { orderId },
    });
  });

  it('times each step of an order’s journey once, by its events’ times, in whatever order they come', async () => {
    const orderId = randomUUID();
    const customerEmail = 'ada@example.com';
    const checkout = Date.parse('2026-11-28T10:00:00.000Z');
    /** An event of the order sent `ms` after its checkout (the envelope's own time). */
    const event = (contract: AnyContract, payload: unknown, ms: number) => {
      const envelope = harness.bus.envelope(contract, payload as never, {
        correlationId: orderId,
      });
      return toOutbound({ ...envelope, sentAt: new Date(checkout + ms).toISOString() });
    };
    const checkedOut = event(
      CartCheckedOut,
      {
        cartId: randomUUID(),
        orderId,
        customerEmail,
        shippingAddress: {
          name: 'Ada',
          street: '1 Way',
          city: 'London',
          postalCode: 'N1',
          country: 'GB',
        },
        items: [{ sku: 'MUG-BLUE', name: 'Mug', quantity: 1, unitPriceCents: 1290 }],
        itemsTotalCents: 1290,
        shippingCents: 0,
        totalCents: 1290,
      },
      0,
    );
    const placed = event(
      OrderPlaced,
      { orderId, customerEmail, totalCents: 1290, itemCount: 1 },
      250,
    );
    const shipped = event(OrderShipped, { orderId, customerEmail, trackingNumber: 'T' }, 3_000);
    const delivered = event(OrderDelivered, { orderId, customerEmail }, 6_000);
    // Placed before its checkout, shipped twice (a redelivery): each step still counts once.
    for (const message of [placed, checkedOut, shipped, shipped, delivered]) {
      await harness.bus.transport.publish(message);
    }

    await harness.whenQuiet();
    const { text } = await audit('/metrics').expect(200);
    const samples = prometheusSamples(text);
    const step = (name: string, suffix: 'count' | 'sum') =>
      sampleTotal(samples, `shop_order_step_duration_${suffix}`, { step: name });
    expect(
      ['checkout-to-placed', 'placed-to-shipped', 'shipped-to-delivered'].map((name) => [
        name,
        step(name, 'count'),
        step(name, 'sum'),
      ]),
    ).toEqual([
      ['checkout-to-placed', 1, 0.25],
      ['placed-to-shipped', 1, 2.75],
      ['shipped-to-delivered', 1, 3],
    ]);
  });

  it('answers 400 saying what is missing', async () => {
    expect((await audit('/notifications').expect(400)).body.message).toBe(
      'email must be an email address',
    );
    expect((await audit('/audit').expect(400)).body.message).toBe('correlationId is required');
    // The audit log and the notifications sent hold personal data: operators only.
    await api.get(`/audit?correlationId=${randomUUID()}`).expect(401);
    await api.get('/notifications?email=ada@example.com').expect(401);
  });
});
