import path from 'node:path';
import {
  servedAsyncApi,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@shopbus/platform/testing';
import { CartModule } from '../app.module';
import { loadCartConfig, type CartConfig } from '../config';

/**
 * The cart service on the real broker: its AsyncAPI document describes its RabbitMQ exchanges
 * and queues. Its REST API, checkout and abandonment are tested on the messaging harness
 * (cart.harness.spec.ts).
 */
describe('the cart service on RabbitMQ', () => {
  let cart: ServiceUnderTest<CartConfig>;
  beforeAll(async () => {
    cart = await startServiceUnderTest({
      name: 'cart',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'CART_DATABASE_URL',
      loadConfig: loadCartConfig,
      module: (config) => CartModule.forRoot(config),
    });
  });
  afterAll(() => cart?.close());

  it('serves an AsyncAPI 3 document that validates and names every message it handles and sends', async () => {
    const served = await servedAsyncApi(cart.http);
    expect(served.errors).toEqual([]);
    expect(served.received).toEqual(['cart.check-abandonment']);
    expect(served.sent).toEqual([
      'cart.abandoned',
      'cart.check-abandonment',
      'cart.checked-out',
      'shipping.quote',
    ]);
    // The query's reply, described with its schema.
    expect(served.document.components.messages).toHaveProperty(['shipping.quote.response']);
  });
});
