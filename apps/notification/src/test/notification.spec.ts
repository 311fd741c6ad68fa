import path from 'node:path';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import {
  CartAbandoned,
  OrderCancelled,
  OrderPlaced,
  OrderShipped,
  ShipmentDispatched,
} from '@shopbus/contracts';
import { until } from '@shopbus/testing';
import {
  ShopTestClient,
  servedAsyncApi,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@shopbus/platform/testing';
import { NotificationModule } from '../app.module';
import { loadNotificationConfig, type NotificationConfig } from '../config';

describe('the notification service', () => {
  let notification: ServiceUnderTest<NotificationConfig>;
  let client: ShopTestClient;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    notification = await startServiceUnderTest({
      name: 'notification',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'NOTIFICATION_DATABASE_URL',
      loadConfig: loadNotificationConfig,
      module: (config) =>
        NotificationModule.forRoot(config, {
          relay: { pollIntervalMs: 50 },
          messaging: {
            recoverability: { immediateIntervalMs: 10, redeliveryDelaysMs: [200, 400, 800] },
          },
        }),
    });
    client = await ShopTestClient.start(notification.vhost);
    api = request(notification.http as never);
  });
  afterEach(async () => {
    await client.close();
    await notification.close();
  });

  const notificationsOf = async (email: string) =>
    (await api.get(`/notifications?email=${encodeURIComponent(email)}`).expect(200)).body;
  const untilNotifications = (email: string, count: number) =>
    until(
      async () => (await notificationsOf(email)).length >= count,
      `${count} notification(s) for ${email}`,
    );

  it('serves an AsyncAPI 3 document that validates and names every message it handles and sends', async () => {
    const served = await servedAsyncApi(notification.http);
    expect(served.errors).toEqual([]);
    // The typed handlers; the pattern and fanout subscriptions' other types go to fallbacks.
    expect(served.received).toEqual([
      'cart.abandoned',
      'notification.deliver',
      'notification.deliver',
      'order.cancelled',
      'order.placed',
      'shipment.delivered',
      'shipment.dispatched',
    ]);
    expect(served.sent).toEqual(['notification.deliver']);
  });

  it('tells the customer of their order, and of its dispatch through the contact kept from order.placed', async () => {
    const orderId = randomUUID();
    await client.bus.publish(
      OrderPlaced,
      { orderId, customerEmail: 'ada@example.com', totalCents: 3170, itemCount: 2 },
      { correlationId: orderId },
    );
    await client.bus.publish(
      ShipmentDispatched,
      { orderId, shipmentId: randomUUID(), trackingNumber: 'TRK-9' },
      { correlationId: orderId },
    );

    await untilNotifications('ada@example.com', 2);
    const [placed, dispatched] = await notificationsOf('ada@example.com');
    expect(placed).toMatchObject({
      channel: 'email',
      priority: 'normal',
      subject: 'We have your order',
      cause: 'order.placed',
      orderId,
      correlationId: orderId,
    });
    expect(placed.body).toContain('€31.70');
    expect(dispatched).toMatchObject({ cause: 'shipment.dispatched', orderId });
    expect(dispatched.body).toContain('TRK-9');
  });

  it('waits for order.placed when a shipment event overtakes it', async () => {
    const orderId = randomUUID();
    await client.bus.publish(ShipmentDispatched, {
      orderId,
      shipmentId: randomUUID(),
      trackingNumber: 'TRK-7',
    });
    await client.bus.publish(OrderPlaced, {
      orderId,
      customerEmail: 'grace@example.com',
      totalCents: 100,
      itemCount: 1,
    });
    await untilNotifications('grace@example.com', 2);
    expect(
      (await notificationsOf('grace@example.com')).map((n: { cause: string }) => n.cause).sort(),
    ).toEqual(['order.placed', 'shipment.dispatched']);
  });

  it('routes a high-priority notification to the urgent channel as well (headers exchange, x-match any)', async () => {
    await client.bus.publish(OrderCancelled, {
      orderId: randomUUID(),
      customerEmail: 'ada@example.com',
      reason: 'not dispatched before the deadline',
    });
    await untilNotifications('ada@example.com', 2);
    const channels = (await notificationsOf('ada@example.com')).map(
      (n: { channel: string; priority: string }) => `${n.channel}/${n.priority}`,
    );
    expect(channels.sort()).toEqual(['email/high', 'urgent/high']);
  });

  it('reminds of an abandoned cart when it knows the email, and skips events it has no template for', async () => {
    await client.bus.publish(CartAbandoned, {
      cartId: randomUUID(),
      customerEmail: 'ada@example.com',
      itemCount: 2,
      totalCents: 2580,
    });
    await client.bus.publish(CartAbandoned, {
      cartId: randomUUID(),
      itemCount: 1,
      totalCents: 390,
    });
    await client.bus.publish(OrderShipped, {
      orderId: randomUUID(),
      customerEmail: 'ada@example.com',
      trackingNumber: 'T',
    });
    await untilNotifications('ada@example.com', 1);
    // Everything was taken from the queue, nothing dead-lettered, and one reminder only.
    await until(
      async () =>
        (
          await notification.database.query(
            `SELECT 1 FROM inbox_message WHERE consumer = 'notification.customer-events'`,
          )
        ).length === 2,
      'both reminders handled',
    );
    expect(await notificationsOf('ada@example.com')).toEqual([
      expect.objectContaining({ subject: 'You left something in your cart' }),
    ]);
  });

  it('keeps every event in the audit log, and shows one flow in order by its correlation id', async () => {
    const orderId = randomUUID();
    const placed = await client.bus.publish(
      OrderPlaced,
      { orderId, customerEmail: 'ada@example.com', totalCents: 1, itemCount: 1 },
      { correlationId: orderId },
    );
    await client.bus.publish(
      OrderShipped,
      { orderId, customerEmail: 'ada@example.com', trackingNumber: 'T' },
      { correlationId: orderId },
    );
    await client.bus.publish(OrderPlaced, {
      orderId: randomUUID(),
      customerEmail: 'x@example.com',
      totalCents: 1,
      itemCount: 1,
    });

    await until(
      async () => (await api.get(`/audit?correlationId=${orderId}`)).body.length >= 2,
      'the journey recorded',
    );
    const journey = (await api.get(`/audit?correlationId=${orderId}`).expect(200)).body;
    expect(journey.map((e: { messageType: string }) => e.messageType)).toEqual([
      'order.placed',
      'order.shipped',
    ]);
    expect(journey[0]).toMatchObject({
      messageId: placed.messageId,
      source: 'test-client',
      payload: { orderId },
    });
  });

  it('answers 400 saying what is missing', async () => {
    expect((await api.get('/notifications').expect(400)).body.message).toBe(
      'email must be an email address',
    );
    expect((await api.get('/audit').expect(400)).body.message).toBe('correlationId is required');
  });
});
