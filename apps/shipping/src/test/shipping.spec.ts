import path from 'node:path';
import request from 'supertest';
import {
  servedAsyncApi,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@shopbus/platform/testing';
import { ShippingModule } from '../app.module';
import { loadShippingConfig, type ShippingConfig } from '../config';

/**
 * The shipping service on the real broker: its AsyncAPI document describes its RabbitMQ
 * exchanges and queues. Its handlers, REST API and courier are tested on the messaging harness
 * (shipping.harness.spec.ts); the platform's operator routes in libs/platform.
 */
describe('the shipping service on RabbitMQ', () => {
  let shipping: ServiceUnderTest<ShippingConfig>;
  beforeAll(async () => {
    shipping = await startServiceUnderTest({
      name: 'shipping',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'SHIPPING_DATABASE_URL',
      loadConfig: loadShippingConfig,
      module: (config) => ShippingModule.forRoot(config),
    });
  });
  afterAll(() => shipping?.close());

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
    expect(page.text).toContain('<h3 id="shipping.create-shipment">shipping.create-shipment</h3>');
  });
});
