import path from 'node:path';
import {
  servedAsyncApi,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@shopbus/platform/testing';
import { NotificationModule } from '../app.module';
import { loadNotificationConfig, type NotificationConfig } from '../config';

/**
 * The notification service on the real broker: its AsyncAPI document describes its RabbitMQ
 * exchanges and queues. Its handlers, routing and audit log are tested on the messaging harness
 * (notification.harness.spec.ts).
 */
describe('the notification service on RabbitMQ', () => {
  let notification: ServiceUnderTest<NotificationConfig>;
  beforeAll(async () => {
    notification = await startServiceUnderTest({
      name: 'notification',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'NOTIFICATION_DATABASE_URL',
      loadConfig: loadNotificationConfig,
      module: (config) => NotificationModule.forRoot(config),
    });
  });
  afterAll(() => notification?.close());

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
});
