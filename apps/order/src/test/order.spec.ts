import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CANCEL_SHIPMENT_QUEUE,
  CancelShipment,
  CartCheckedOut,
  CreateShipment,
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
import { checkout } from './checkout.fixture';

/**
 * The order service on the real broker: what only RabbitMQ shows (its AsyncAPI document, two
 * instances competing for one queue). The saga's behaviour is tested on the messaging harness
 * (order-fulfilment.harness.spec.ts).
 */
describe('the order service on RabbitMQ', () => {
  const services: ServiceUnderTest<OrderConfig>[] = [];
  let client: ShopTestClient;
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
