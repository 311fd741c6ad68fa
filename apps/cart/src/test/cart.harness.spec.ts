import path from 'node:path';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { CartAbandoned, CartCheckedOut, QuoteShipping } from '@shopbus/contracts';
import { handlerFor } from '@shopbus/messaging-core';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import {
  startServiceOnHarness,
  startShopHarness,
  type ServiceOnHarness,
} from '@shopbus/platform/testing';
import { Countdown, deferred } from '@shopbus/testing';
import { CartModule } from '../app.module';
import { loadCartConfig, type CartConfig } from '../config';

const address = {
  name: 'Ada Lovelace',
  street: '12 Analytical Row',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};
const checkoutBody = { customerEmail: 'ada@example.com', shippingAddress: address };

/**
 * The cart service's REST API, checkout and abandonment on the messaging harness: its real module
 * and database, an in-memory broker, and a virtual clock (the 30-minute abandonment check, not
 * shortened, passes when the test says so).
 */
describe('the cart service, on the harness', () => {
  let harness: MessagingHarness;
  let cart: ServiceOnHarness<CartConfig>;
  let api: ReturnType<typeof request>;

  const start = async (env: Record<string, string> = {}) => {
    harness = await startShopHarness();
    cart = await startServiceOnHarness({
      harness,
      name: 'cart',
      migrations: path.join(__dirname, '../../prisma/migrations'),
      databaseUrlVariable: 'CART_DATABASE_URL',
      loadConfig: loadCartConfig,
      module: (config, onHarness) => CartModule.forRoot(config, onHarness),
      env: { SHIPPING_QUOTE_TIMEOUT_MS: '1000', ...env },
    });
    api = request(cart.http as never);
  };
  /** Shipping's part, played by the harness's bus: quotes for DE, none for AQ. */
  const answerQuotes = () =>
    harness.bus.subscribe({
      queue: 'shipping.quote',
      handlers: [
        handlerFor(QuoteShipping, async ({ country, itemCount }) =>
          country === 'AQ'
            ? { deliverable: false, priceCents: 0, estimatedDays: 1, carrier: 'none' }
            : {
                deliverable: true,
                priceCents: 490 + 50 * itemCount,
                estimatedDays: 2,
                carrier: 'DHL',
              },
        ),
      ],
    });
  afterEach(async () => {
    await cart?.close();
    await harness?.close();
  });

  const newCart = async (items: Record<string, number> = { 'MUG-BLUE': 2 }) => {
    const { body } = await api
      .post('/carts')
      .send({ customerEmail: 'ada@example.com' })
      .expect(201);
    for (const [sku, quantity] of Object.entries(items)) {
      await api.put(`/carts/${body.id}/items/${sku}`).send({ quantity }).expect(200);
    }
    return body.id as string;
  };

  describe('carts', () => {
    beforeEach(() => start());

    it('lists the seeded catalogue', async () => {
      const { body } = await api.get('/products').expect(200);
      expect(body.map((p: { sku: string }) => p.sku)).toEqual([
        'HOODIE',
        'MUG-BLUE',
        'POSTER-MAP',
        'STICKERS',
        'TEE-LOGO',
      ]);
    });

    it('adds, changes and removes lines with catalogue prices', async () => {
      const id = await newCart({ 'MUG-BLUE': 1, STICKERS: 3 });
      await api.put(`/carts/${id}/items/MUG-BLUE`).send({ quantity: 2 }).expect(200);
      const { body } = await api.delete(`/carts/${id}/items/STICKERS`).expect(200);
      expect(body).toMatchObject({
        status: 'open',
        items: [
          {
            sku: 'MUG-BLUE',
            name: 'Blue enamel mug',
            quantity: 2,
            unitPriceCents: 1290,
            lineTotalCents: 2580,
          },
        ],
        itemCount: 2,
        itemsTotalCents: 2580,
      });
    });

    it.each([
      ['a quantity of 0', 'MUG-BLUE', { quantity: 0 }, 400, /quantity must not be less than 1/],
      [
        'a quantity that is not a number',
        'MUG-BLUE',
        { quantity: 'two' },
        400,
        /quantity must be an integer/,
      ],
      [
        'an unknown field',
        'MUG-BLUE',
        { quantity: 1, price: 1 },
        400,
        /property price should not exist/,
      ],
      ['an unknown product', 'NOPE', { quantity: 1 }, 404, /No product NOPE/],
      ['a malformed product code', 'mug blue', { quantity: 1 }, 400, /is not a product code/],
    ])('refuses %s and changes nothing', async (_, sku, body, status, message) => {
      const id = await newCart({ STICKERS: 1 });
      const answer = await api
        .put(`/carts/${id}/items/${encodeURIComponent(sku)}`)
        .send(body)
        .expect(status);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
      expect((await api.get(`/carts/${id}`)).body.items).toEqual([
        expect.objectContaining({ sku: 'STICKERS', quantity: 1 }),
      ]);
    });

    it('answers 404 for an unknown cart and 400 for a malformed id', async () => {
      await api.get(`/carts/${randomUUID()}`).expect(404);
      await api.get('/carts/123').expect(400);
    });

    it('answers 504, saying why, when no shipping service answers a quote', async () => {
      const id = await newCart();
      const { body } = await api.get(`/carts/${id}/shipping-quote?country=DE`).expect(504);
      expect(body.message).toMatch(/Shipping did not answer the quote request/);
    });

    it('gets a shipping quote over request/response', async () => {
      await answerQuotes();
      const id = await newCart({ 'MUG-BLUE': 2 });
      const { body } = await api.get(`/carts/${id}/shipping-quote?country=DE`).expect(200);
      expect(body).toEqual({
        deliverable: true,
        priceCents: 590,
        estimatedDays: 2,
        carrier: 'DHL',
      });
      await api.get(`/carts/${id}/shipping-quote?country=Germany`).expect(400);
    });
  });

  describe('checkout', () => {
    beforeEach(async () => {
      await start();
      await answerQuotes();
    });

    it('closes the cart, answers 202 with the order id and publishes cart.checked-out correlated by it', async () => {
      const id = await newCart({ 'MUG-BLUE': 2, 'TEE-LOGO': 1 });
      const { body } = await api
        .post(`/carts/${id}/checkout`)
        .set('Idempotency-Key', 'k-1')
        .send(checkoutBody)
        .expect(202);

      await harness.whenQuiet();
      const [event] = harness.published(CartCheckedOut);
      expect(event.correlationId).toBe(body.orderId);
      expect(event.payload).toMatchObject({
        cartId: id,
        orderId: body.orderId,
        customerEmail: 'ada@example.com',
        shippingAddress: address,
        itemsTotalCents: 2 * 1290 + 2490,
        shippingCents: 490 + 3 * 50,
        totalCents: 2 * 1290 + 2490 + 640,
      });
      expect((await api.get(`/carts/${id}`)).body).toMatchObject({
        status: 'checked-out',
        orderId: body.orderId,
      });
      await api.put(`/carts/${id}/items/STICKERS`).send({ quantity: 1 }).expect(409);
    });

    it('a repeated checkout with the same Idempotency-Key returns the first answer and publishes once', async () => {
      const id = await newCart();
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          api.post(`/carts/${id}/checkout`).set('Idempotency-Key', 'same').send(checkoutBody),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
      expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
      const other = await api
        .post(`/carts/${randomUUID()}/checkout`)
        .set('Idempotency-Key', 'x')
        .send(checkoutBody);
      expect(other.status).toBe(404);
      await harness.whenQuiet();
      const written = await cart.database.query(
        `SELECT 1 FROM outbox_message WHERE message_type = 'cart.checked-out'`,
      );
      expect(written).toHaveLength(1);
      expect(harness.published(CartCheckedOut)).toHaveLength(1);
    });

    it.each([
      ['no Idempotency-Key', undefined, checkoutBody, 400, /Idempotency-Key header is required/],
      [
        'an invalid email',
        'k',
        { ...checkoutBody, customerEmail: 'ada' },
        400,
        /customerEmail must be an email/,
      ],
      [
        'a missing address field',
        'k',
        { ...checkoutBody, shippingAddress: { ...address, city: '' } },
        400,
        /shippingAddress.city should not be empty/,
      ],
      [
        'a bad country code',
        'k',
        { ...checkoutBody, shippingAddress: { ...address, country: 'Germany' } },
        400,
        /country must be a valid ISO31661 Alpha2 code/,
      ],
      [
        'a country the shop does not deliver to',
        'k',
        { ...checkoutBody, shippingAddress: { ...address, country: 'AQ' } },
        422,
        /does not deliver to AQ/,
      ],
    ])('refuses %s and leaves the cart open', async (_, key, body, status, message) => {
      const id = await newCart();
      const call = api.post(`/carts/${id}/checkout`);
      if (key) call.set('Idempotency-Key', key);
      const answer = await call.send(body).expect(status);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
      expect((await api.get(`/carts/${id}`)).body.status).toBe('open');
    });

    it('refuses an empty cart (409), a key reused for another request (422) and a second checkout (409)', async () => {
      const empty = await newCart({});
      await api
        .post(`/carts/${empty}/checkout`)
        .set('Idempotency-Key', 'e')
        .send(checkoutBody)
        .expect(409);
      const id = await newCart();
      await api
        .post(`/carts/${id}/checkout`)
        .set('Idempotency-Key', 'first')
        .send(checkoutBody)
        .expect(202);
      const reused = await api
        .post(`/carts/${id}/checkout`)
        .set('Idempotency-Key', 'first')
        .send({ ...checkoutBody, customerEmail: 'grace@example.com' })
        .expect(422);
      expect(reused.body.message).toMatch(/was used for a different checkout request/);
      await api
        .post(`/carts/${id}/checkout`)
        .set('Idempotency-Key', 'second')
        .send(checkoutBody)
        .expect(409);
    });
  });

  it('answers a burst of checkouts from one client beyond its limit with 429 and Retry-After, and those change nothing', async () => {
    await start({ CHECKOUT_RATE_LIMIT: '3' });
    await answerQuotes();
    const carts = [];
    for (let n = 0; n < 5; n += 1) carts.push(await newCart());

    const answers = await Promise.all(
      carts.map((id, n) =>
        api.post(`/carts/${id}/checkout`).set('Idempotency-Key', `burst-${n}`).send(checkoutBody),
      ),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 202, 429, 429]);
    const refused = answers.filter((a) => a.status === 429);
    for (const answer of refused) {
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(answer.body.message).toMatch(
        /Too many checkouts from this client \(at most 3 a second\)/,
      );
    }
    const statuses = await Promise.all(
      carts.map(async (id) => (await api.get(`/carts/${id}`)).body.status),
    );
    expect(statuses.filter((status) => status === 'open')).toHaveLength(2);
    await harness.whenQuiet();
    expect(harness.published(CartCheckedOut)).toHaveLength(3);
  });

  it('answers a checkout beyond those in progress at once with 503 and Retry-After, which changes nothing, and takes the next once one finished', async () => {
    await start({ CHECKOUT_MAX_IN_FLIGHT: '2' });
    // Shipping takes its time with the first two quotes: two checkouts stay in progress.
    const asked = new Countdown();
    const answer = deferred();
    await harness.bus.subscribe({
      queue: 'shipping.quote',
      handlers: [
        handlerFor(QuoteShipping, async () => {
          asked.record(1);
          await answer.promise;
          return { deliverable: true, priceCents: 490, estimatedDays: 2, carrier: 'DHL' };
        }),
      ],
    });
    const [first, second, third, fourth] = [
      await newCart(),
      await newCart(),
      await newCart(),
      await newCart(),
    ];
    const checkout = (id: string) =>
      api
        .post(`/carts/${id}/checkout`)
        .set('Idempotency-Key', `admission-${id}`)
        .send(checkoutBody);
    // A supertest request goes out only once awaited or then'd: then starts both now.
    const inProgress = [checkout(first), checkout(second)].map((test) => test.then((r) => r));
    await asked.reach(2);

    const refused = await checkout(third);

    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.message).toBe(
      '2 checkouts are in progress, as many as this service takes at once; try again in 1 s',
    );
    expect((await api.get(`/carts/${third}`)).body.status).toBe('open');
    answer.resolve();
    expect((await Promise.all(inProgress)).map((r) => r.status)).toEqual([202, 202]);
    // Both finished: the slots are free again.
    await checkout(fourth).expect(202);
    await checkout(third).expect(202);
    await harness.whenQuiet();
    expect(harness.published(CartCheckedOut)).toHaveLength(4);
  });

  it('publishes cart.abandoned for a cart left with items half an hour, and not for one checked out in time', async () => {
    await start();
    await answerQuotes();
    const left = await newCart();
    const bought = await newCart();
    await api
      .post(`/carts/${bought}/checkout`)
      .set('Idempotency-Key', 'b')
      .send(checkoutBody)
      .expect(202);

    await harness.advance(30 * 60 * 1000 - 1000);
    expect(harness.published(CartAbandoned)).toEqual([]);
    expect((await api.get(`/carts/${left}`)).body.status).toBe('open');

    await harness.advance(1000);
    const [abandoned] = harness.published(CartAbandoned);
    expect(abandoned.payload).toEqual({
      cartId: left,
      customerEmail: 'ada@example.com',
      itemCount: 2,
      totalCents: 2580,
    });
    expect((await api.get(`/carts/${left}`)).body.status).toBe('abandoned');
    // The bought cart's check was cancelled with its checkout: it is gone from the outbox.
    const scheduled = await cart.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox_message WHERE message_type = 'cart.check-abandonment' AND pending`,
    );
    expect(Number(scheduled[0].n)).toBe(0);
    expect(harness.published(CartAbandoned)).toHaveLength(1);
  });
});

describe("the cart service's configuration", () => {
  it('refuses to start with a limit of checkouts in progress that is no positive whole number', () => {
    expect(() => loadCartConfig({ ...process.env, CHECKOUT_MAX_IN_FLIGHT: '0' })).toThrow(
      /CHECKOUT_MAX_IN_FLIGHT/,
    );
    expect(() => loadCartConfig({ ...process.env, CHECKOUT_MAX_IN_FLIGHT: 'many' })).toThrow(
      /CHECKOUT_MAX_IN_FLIGHT/,
    );
  });
});
