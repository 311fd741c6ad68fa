import { randomUUID } from 'node:crypto';
import { until } from '@shopbus/testing';
import { OtlpReceiver } from './otlp-receiver';
import { ShopClient } from './shop-client';
import { ShopUnderTest } from './shop-under-test';

/**
 * The whole shop, four processes on a real RabbitMQ and Postgres, driven only through REST:
 * what a user of the demo does, with every flow's outcome asserted.
 */
function printTree(spans: import('./otlp-receiver').ReceivedSpan[]) {
  const t0 = Math.min(...spans.map((s) => s.startMs));
  const walk = (parent: string | undefined, depth: number): string[] =>
    spans
      .filter((s) => s.parentSpanId === parent)
      .sort((a, b) => a.startMs - b.startMs)
      .flatMap((s) => [
        `${'  '.repeat(depth)}${s.service}: ${s.name} (+${(s.startMs - t0).toFixed(1)} ms, ${(s.endMs - s.startMs).toFixed(1)} ms)`,
        ...walk(s.spanId, depth + 1),
      ]);
  console.log(walk(undefined, 0).join('\n'));
}

describe('the shop, end to end', () => {
  let shop: ShopUnderTest;
  let api: ShopClient;
  let collector: OtlpReceiver;

  beforeAll(async () => {
    // The services trace, and send their spans here (as to an OpenTelemetry collector).
    collector = await OtlpReceiver.start();
    shop = await ShopUnderTest.start({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      COURIER_SIMULATION: 'true',
      COURIER_DISPATCH_AFTER_MS: '1500',
      COURIER_DELIVER_AFTER_MS: '1000',
      ORDER_DISPATCH_DEADLINE_MS: '4000',
      OUTBOX_POLL_INTERVAL_MS: '200',
    });
    api = new ShopClient(shop.urls, shop.operatorToken);
  }, 90_000);
  afterAll(async () => {
    await shop?.stop();
    await collector?.close();
  });

  const email = () => `customer-${randomUUID().slice(0, 8)}@example.com`;
  const untilOrder = (orderId: string, status: string, timeoutMs = 20_000) =>
    until(
      async () => (await api.order(orderId)).body?.status === status,
      `order ${status}`,
      timeoutMs,
    );
  const untilNotified = (to: string, count: number) =>
    until(
      async () => (await api.notifications(to)).body.length >= count,
      `${count} notifications`,
      20_000,
    );

  it('a checkout runs by itself to delivered, with the customer told at each step and every event in the audit journey', async () => {
    const to = email();
    const quote = await api.call('cart', 'POST', '/carts', { customerEmail: to });
    await api.call('cart', 'PUT', `/carts/${quote.body.id}/items/TEE-LOGO`, { quantity: 1 });
    const priced = await api.call(
      'cart',
      'GET',
      `/carts/${quote.body.id}/shipping-quote?country=DE`,
    );
    expect(priced).toMatchObject({
      status: 200,
      body: { deliverable: true, priceCents: 540, carrier: 'DHL' },
    });

    const { status, body } = await api.checkout(to);
    expect(status).toBe(202);
    await untilOrder(body.orderId, 'delivered');

    const order = (await api.order(body.orderId)).body;
    expect(order.history.map((step: { status: string }) => step.status)).toEqual([
      'placed',
      'awaiting-dispatch',
      'shipped',
      'delivered',
    ]);
    expect(order.trackingNumber).toMatch(/^TRK-/);

    await untilNotified(to, 3);
    expect((await api.notifications(to)).body.map((n: { cause: string }) => n.cause)).toEqual([
      'order.placed',
      'shipment.dispatched',
      'shipment.delivered',
    ]);

    await until(
      async () => (await api.journey(body.orderId)).body.length >= 7,
      'the whole journey audited',
    );
    const journey = (await api.journey(body.orderId)).body as {
      messageType: string;
      source: string;
      messageId: string;
      causationId?: string;
    }[];
    expect(journey.map((e) => `${e.source}: ${e.messageType}`)).toEqual([
      'cart: cart.checked-out',
      'order: order.placed',
      'shipping: shipment.created',
      'shipping: shipment.dispatched',
      'order: order.shipped',
      'shipping: shipment.delivered',
      'order: order.delivered',
    ]);
    // Each step was caused by the one before it in the chain of messages.
    expect(journey[1].causationId).toBe(journey[0].messageId);
  });

  it('an order the courier never picks up is cancelled at its deadline, and shipping cancels the shipment', async () => {
    const to = email();
    const { body } = await api.checkout(to, '99999');
    await untilOrder(body.orderId, 'cancelled');
    expect((await api.order(body.orderId)).body.cancelReason).toBe(
      'not dispatched before the deadline',
    );
    await until(
      async () =>
        (await api.call('shipping', 'GET', `/shipments?orderId=${body.orderId}`)).body?.status ===
        'cancelled',
      'shipment cancelled',
    );
    await untilNotified(to, 3);
    const causes = (await api.notifications(to)).body.map(
      (n: { cause: string; channel: string }) => `${n.cause}/${n.channel}`,
    );
    expect(causes.sort()).toEqual([
      'order.cancelled/email',
      'order.cancelled/urgent',
      'order.placed/email',
    ]);
  });

  it('a failed shipment cancels the order', async () => {
    const { body } = await api.checkout(email(), '00000');
    await untilOrder(body.orderId, 'cancelled');
    expect((await api.order(body.orderId)).body.cancelReason).toBe(
      'shipment failed: the carrier does not know postal code 00000',
    );
  });

  it('the customer can cancel before dispatch (202; cancelled once shipping confirms, the courier then skips it) but not after (409)', async () => {
    const early = await api.checkout(email());
    await until(async () => (await api.order(early.body.orderId)).status === 200, 'order created');
    const cancelled = await api.call('order', 'POST', `/orders/${early.body.orderId}/cancel`);
    expect(cancelled).toMatchObject({ status: 202, body: { status: 'cancelling' } });
    await untilOrder(early.body.orderId, 'cancelled');
    await until(
      async () =>
        (await api.call('shipping', 'GET', `/shipments?orderId=${early.body.orderId}`)).body
          ?.status === 'cancelled',
      'shipment cancelled',
    );

    const late = await api.checkout(email());
    await untilOrder(late.body.orderId, 'shipped');
    const refused = await api.call('order', 'POST', `/orders/${late.body.orderId}/cancel`);
    expect(refused.status).toBe(409);
    await untilOrder(late.body.orderId, 'delivered');
    expect((await api.order(early.body.orderId)).body.status).toBe('cancelled');
  });

  it('a repeated checkout with the same Idempotency-Key makes one order', async () => {
    const to = email();
    const first = await api.checkout(to, '10115', { STICKERS: 1 }, 'retry-me');
    const again = await api.call(
      'cart',
      'POST',
      `/carts/${first.cartId}/checkout`,
      {
        customerEmail: to,
        shippingAddress: {
          name: 'Ada Lovelace',
          street: '12 Analytical Row',
          city: 'Berlin',
          postalCode: '10115',
          country: 'DE',
        },
      },
      { 'Idempotency-Key': 'retry-me' },
    );
    expect(again).toMatchObject({ status: 202, body: { orderId: first.body.orderId } });
    await untilOrder(first.body.orderId, 'delivered');
    expect(
      (await api.notifications(to)).body.filter(
        (n: { cause: string }) => n.cause === 'order.placed',
      ),
    ).toHaveLength(1);
  });

  it('bad requests get a 4xx saying what is wrong', async () => {
    const cart = await api.call('cart', 'POST', '/carts', {});
    const noKey = await api.call('cart', 'POST', `/carts/${cart.body.id}/checkout`, {
      customerEmail: 'a@example.com',
    });
    expect(noKey.status).toBe(400);
    const badQuantity = await api.call('cart', 'PUT', `/carts/${cart.body.id}/items/MUG-BLUE`, {
      quantity: -1,
    });
    expect(badQuantity).toMatchObject({
      status: 400,
      body: { message: ['quantity must not be less than 1'] },
    });
    expect((await api.order(randomUUID())).status).toBe(404);
    expect((await api.call('order', 'POST', '/orders/not-an-id/cancel')).status).toBe(400);
    expect((await api.call('shipping', 'POST', `/shipments/${randomUUID()}/dispatch`)).status).toBe(
      404,
    );
    expect((await api.call('cart', 'GET', `/carts/${cart.body.id}`)).body).toMatchObject({
      status: 'open',
      items: [],
    });
  });

  it('one checkout is one trace: the cart’s HTTP request, then every service it causes, parent to child', async () => {
    const to = email();
    const { body, headers } = await api.checkout(to);
    await untilOrder(body.orderId, 'delivered');
    await untilNotified(to, 3);
    // The answer names the request's trace: W3C traceresponse, 00-<trace id>-<span id>-<flags>.
    const [, answeredTrace, answeredSpan] = (headers.get('traceresponse') ?? '').split('-');

    // The order's deliveries carry its id as their conversation id: they name the trace.
    const traceOf = () =>
      collector.spans.find(
        (span) => span.attributes['messaging.message.conversation_id'] === body.orderId,
      )?.traceId;
    await until(() => traceOf() !== undefined, 'a span of the order', 10_000);
    const traceId = traceOf() as string;
    const spans = () => collector.trace(traceId);
    const processedBy = (service: string) =>
      spans().filter((span) => span.service === service && span.name.startsWith('process '));
    await until(
      () => ['order', 'shipping', 'notification'].every((s) => processedBy(s).length > 0),
      'spans of every service',
      10_000,
    );
    // Spans are exported as they end: wait until every parent named has arrived.
    await until(
      () =>
        spans().every(
          (span) => !span.parentSpanId || spans().some((p) => p.spanId === span.parentSpanId),
        ),
      'every parent span received',
      10_000,
    );

    if (process.env.PRINT_TRACE) printTree(spans());
    const [root, ...others] = spans().filter((span) => !span.parentSpanId);
    expect(others).toEqual([]);
    expect(root).toMatchObject({
      service: 'cart',
      name: 'POST /carts/:id/checkout',
      kind: 2,
      traceId: answeredTrace,
      spanId: answeredSpan,
    });
    // Every delivery the checkout caused, in every service, is in it, and what notification sent.
    const processed = new Set(
      spans()
        .filter((s) => s.kind === 5)
        .map((s) => `${s.service} ${s.name}`),
    );
    for (const expected of [
      'shipping process shipping.quote',
      'order process order.cart-checked-out',
      'shipping process shipping.create-shipment',
      'shipping process shipping.courier',
      'order process order.fulfilment',
      'notification process notification.customer-events',
      'notification process notification.email',
      'notification process notification.audit',
    ]) {
      expect([...processed]).toContain(expected);
    }
    // The SQL a handler runs is in it too, under the handler's span: order's insert of the order.
    const placing = spans().find(
      (s) => s.service === 'order' && s.name === 'process order.cart-checked-out',
    );
    const orderStatements = spans().filter(
      (s) =>
        s.service === 'order' &&
        s.kind === 3 &&
        s.attributes['db.system.name'] === 'postgresql' &&
        s.parentSpanId === placing?.spanId,
    );
    expect(orderStatements.map((s) => s.attributes['db.query.text'])).toContainEqual(
      expect.stringMatching(/INSERT INTO "order"/),
    );
    // And the relay's claim of the checkout's outbox row, under the request that wrote it.
    expect(
      spans().filter(
        (s) =>
          s.service === 'cart' &&
          s.name === 'claim outbox_message' &&
          s.parentSpanId === root.spanId,
      ),
    ).toHaveLength(1);
    // No delivery of this order outside it: none of its conversation's spans is in another trace.
    expect(
      collector.spans.filter(
        (span) =>
          span.attributes['messaging.message.conversation_id'] === body.orderId &&
          span.traceId !== traceId,
      ),
    ).toEqual([]);
  });

  it('a REST read’s trace holds what Prisma ran: the operation, its compilation and its SQL, no values', async () => {
    const { body } = await api.checkout(email());
    await untilOrder(body.orderId, 'delivered');
    const read = await api.call('order', 'GET', `/orders/${body.orderId}`);
    expect(read.status).toBe(200);
    const [, traceId] = (read.headers.get('traceresponse') ?? '').split('-');
    const spans = () => collector.trace(traceId);
    await until(
      () => spans().some((span) => span.name === 'prisma:client:operation'),
      'the Prisma operation’s span',
      10_000,
    );

    const [root, ...otherRoots] = spans().filter((span) => !span.parentSpanId);
    expect(otherRoots).toEqual([]);
    expect(root).toMatchObject({ service: 'order', name: 'GET /orders/:id' });
    const operation = spans().find((span) => span.name === 'prisma:client:operation');
    expect(operation).toMatchObject({
      parentSpanId: root.spanId,
      attributes: { model: 'Order', method: 'findUnique' },
    });
    const under = (parent: string | undefined) =>
      spans().filter((span) => span.parentSpanId === parent);
    expect(under(operation?.spanId).map((span) => span.name)).toEqual(
      expect.arrayContaining(['prisma:client:compile', 'prisma:client:db_query']),
    );
    const statement = under(operation?.spanId).find(
      (span) => span.name === 'prisma:client:db_query',
    );
    expect(statement?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.query.text': expect.stringMatching(/^SELECT .* FROM "public"\."order" WHERE/),
    });
    const prismaSpans = spans().filter((span) => span.name.startsWith('prisma:'));
    expect(JSON.stringify(prismaSpans.map((span) => span.attributes))).not.toContain(body.orderId);
    // A query outside any request or message (readiness probes, timers) starts no trace.
    expect(
      collector.spans.filter((span) => span.name.startsWith('prisma:') && !span.parentSpanId),
    ).toEqual([]);
  });

  describe('bad input on every endpoint: a 4xx with a message, never a 500, nothing changed', () => {
    const address = {
      name: 'Ada',
      street: '1 Row',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    };
    let cartId = '';
    beforeAll(async () => {
      const cart = await api.call('cart', 'POST', '/carts', { customerEmail: 'bad@example.com' });
      cartId = cart.body.id;
      await api.call('cart', 'PUT', `/carts/${cartId}/items/MUG-BLUE`, { quantity: 1 });
    });

    interface BadRequest {
      service: string;
      method: 'GET' | 'POST' | 'PUT' | 'DELETE';
      /** A function: the cart exists only once the suite has started. */
      url: () => string;
      body?: unknown;
      headers?: Record<string, string>;
    }
    const checkout = (body: unknown): BadRequest => ({
      service: 'cart',
      method: 'POST',
      url: () => `/carts/${cartId}/checkout`,
      body,
      headers: { 'idempotency-key': randomUUID() },
    });
    const customer = { customerEmail: 'a@example.com' };
    const operatorCases = (service: string): [string, BadRequest, number][] => [
      [
        `${service}: dead letters of an unknown queue`,
        { service, method: 'GET', url: () => '/admin/dead-letters/nope' },
        404,
      ],
      [
        `${service}: dead letters of a retry queue`,
        { service, method: 'GET', url: () => `/admin/dead-letters/${service}.x.retry.1000ms` },
        404,
      ],
      [
        `${service}: replaying an unknown queue`,
        { service, method: 'POST', url: () => '/admin/dead-letters/nope/replay', body: {} },
        404,
      ],
      [
        `${service}: purging an unknown queue`,
        { service, method: 'DELETE', url: () => '/admin/dead-letters/nope' },
        404,
      ],
    ];
    const cases: [string, BadRequest, number][] = [
      ['a checkout without a shipping address', checkout(customer), 400],
      ['a checkout whose address is a list', checkout({ ...customer, shippingAddress: [] }), 400],
      [
        'a NUL in a name',
        checkout({ ...customer, shippingAddress: { ...address, name: 'A\u0000da' } }),
        400,
      ],
      [
        'a lone surrogate in a street',
        checkout({ ...customer, shippingAddress: { ...address, street: '\ud800' } }),
        400,
      ],
      [
        'a NUL in a field name',
        checkout({ ...customer, shippingAddress: address, ['x\u0000']: 1 }),
        400,
      ],
      [
        'a new cart with a bad email',
        { service: 'cart', method: 'POST', url: () => '/carts', body: { customerEmail: 'nope' } },
        400,
      ],
      [
        'a quantity that is text',
        {
          service: 'cart',
          method: 'PUT',
          url: () => `/carts/${cartId}/items/MUG-BLUE`,
          body: { quantity: 'two' },
        },
        400,
      ],
      [
        'an unknown product',
        {
          service: 'cart',
          method: 'PUT',
          url: () => `/carts/${cartId}/items/NOPE-1`,
          body: { quantity: 1 },
        },
        404,
      ],
      [
        'a cart id that is not a UUID',
        { service: 'cart', method: 'GET', url: () => '/carts/42' },
        400,
      ],
      [
        'a quote for a country that is no code',
        {
          service: 'cart',
          method: 'GET',
          url: () => `/carts/${cartId}/shipping-quote?country=Germany`,
        },
        400,
      ],
      [
        'an unknown order',
        { service: 'order', method: 'GET', url: () => `/orders/${randomUUID()}` },
        404,
      ],
      [
        'a shipment looked up by a bad order id',
        { service: 'shipping', method: 'GET', url: () => '/shipments?orderId=%00' },
        400,
      ],
      [
        'an audit query with a NUL',
        { service: 'notification', method: 'GET', url: () => '/audit?correlationId=a%00b' },
        400,
      ],
      [
        'an audit query without its id',
        { service: 'notification', method: 'GET', url: () => '/audit' },
        400,
      ],
      [
        'notifications for something that is no email',
        { service: 'notification', method: 'GET', url: () => '/notifications?email=x' },
        400,
      ],
      ...['cart', 'order', 'shipping', 'notification'].flatMap(operatorCases),
      [
        'a dead-letter listing limit that is no number',
        {
          service: 'shipping',
          method: 'GET',
          url: () => '/admin/dead-letters/shipping.quote?limit=abc',
        },
        400,
      ],
      [
        'a replay whose ids are no list',
        {
          service: 'shipping',
          method: 'POST',
          url: () => '/admin/dead-letters/shipping.quote/replay',
          body: { messageIds: 'x' },
        },
        400,
      ],
    ];

    it.each(cases)('%s', async (_, bad, expected) => {
      const answer = await api.call(bad.service, bad.method, bad.url(), bad.body, bad.headers);
      expect(answer.status).toBe(expected);
      expect(answer.body?.message).toBeTruthy();
    });

    it('left the cart as it was: open, with its one line', async () => {
      expect((await api.call('cart', 'GET', `/carts/${cartId}`)).body).toMatchObject({
        status: 'open',
        items: [{ sku: 'MUG-BLUE', quantity: 1 }],
      });
    });
  });
});
