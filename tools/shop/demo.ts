/**
 * `npm run demo`: drives the shop through its REST APIs against a running shop (`npm start` or
 * `docker compose up`), printing a timeline as it goes: a checkout to delivery with the
 * notifications and the order's audit journey, a compensation (a failed shipment), and a
 * dead-lettered message replayed once what it was missing has arrived. Exits 1 if a flow does
 * not complete in time.
 *
 * CART_URL, ORDER_URL, … (else localhost on `<NAME>_PORT` or the port in the service's manifest),
 * RABBITMQ_URL (with RABBITMQ_CA_FILE for amqps), MESSAGE_KEYS (when the shop encrypts personal
 * data) and EXCHANGE_PREFIX (for the dead-letter part) choose the shop. `--compose` (npm run
 * demo:compose) takes them from the docker compose shop's .env (see compose-target.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderPlaced, ShipmentDispatched, shopContracts, shopExchanges } from '@shopbus/contracts';
import {
  EncryptingTransport,
  MessageBus,
  MessageKeyRing,
  personalDataTypes,
  silentLogger,
} from '@shopbus/messaging-core';
import { DeadLetterQueues, RabbitMqTransport } from '@shopbus/messaging-rabbitmq';

import { composeTargetEnv } from './compose-target';
import { asShopOperator } from './operator-token';
import { SERVICES, urlOf } from './services';

if (process.argv.includes('--compose')) Object.assign(process.env, composeTargetEnv());

const shop = Object.fromEntries(SERVICES.map((service) => [service.name, urlOf(service)]));
const started = Date.now();
const say = (line: string) =>
  console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${base}${path}`, {
    method,
    // The operator's token too: the audit log and /health are operator routes.
    headers: { 'content-type': 'application/json', ...asShopOperator(), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    // Where the shop traces: the request's trace (W3C traceresponse, 00-<trace id>-<span>-<flags>).
    traceId: response.headers.get('traceresponse')?.split('-')[1],
  };
}

/** Waits for `check` to return something, or fails the demo saying what did not happen. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

const address = (postalCode: string) => ({
  name: 'Ada Lovelace',
  street: '12 Analytical Row',
  city: 'Berlin',
  postalCode,
  country: 'DE',
});

async function checkout(email: string, postalCode: string) {
  const cart = await call(shop.cart, 'POST', '/carts', { customerEmail: email });
  say(`cart created            ${cart.body.id}`);
  for (const [sku, quantity] of [
    ['MUG-BLUE', 2],
    ['TEE-LOGO', 1],
  ] as const) {
    const line = await call(shop.cart, 'PUT', `/carts/${cart.body.id}/items/${sku}`, { quantity });
    say(`item added              ${quantity} × ${sku} → ${line.body.itemsTotalCents} cents`);
  }
  const quote = await call(shop.cart, 'GET', `/carts/${cart.body.id}/shipping-quote?country=DE`);
  say(
    `quote received          ${quote.body.priceCents} cents by ${quote.body.carrier}, ${quote.body.estimatedDays} days (request/response)`,
  );
  const accepted = await call(
    shop.cart,
    'POST',
    `/carts/${cart.body.id}/checkout`,
    {
      customerEmail: email,
      shippingAddress: address(postalCode),
    },
    { 'Idempotency-Key': randomUUID() },
  );
  if (accepted.status !== 202)
    throw new Error(`checkout answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  say(
    `checkout accepted       202, order ${accepted.body.orderId}` +
      (accepted.traceId ? `, trace ${accepted.traceId}` : ''),
  );
  return accepted.body.orderId as string;
}

/** Prints each status the order passes through until it reaches `final`. */
async function follow(
  orderId: string,
  final: string,
): Promise<{ status: string; cancelReason?: string }> {
  let seen = 0;
  return waitFor(
    `order ${orderId} ${final}`,
    async () => {
      const order = (await call(shop.order, 'GET', `/orders/${orderId}`)).body;
      for (const step of order?.history?.slice(seen) ?? []) {
        say(`order ${step.status.padEnd(18)}← ${step.cause}${step.note ? ` (${step.note})` : ''}`);
      }
      seen = order?.history?.length ?? seen;
      return order?.status === final ? order : undefined;
    },
    60_000,
  );
}

async function happyPath(): Promise<void> {
  console.log('\n== A checkout, all the way to the customer ==');
  const email = `demo-${randomUUID().slice(0, 8)}@example.com`;
  const orderId = await checkout(email, '10115');
  await follow(orderId, 'delivered');
  const notifications = await waitFor('three notifications', async () => {
    const list = (await call(shop.notification, 'GET', `/notifications?email=${email}`)).body;
    return list.length >= 3 ? list : undefined;
  });
  for (const n of notifications)
    say(`notification ${n.channel.padEnd(7)}"${n.subject}" (${n.cause})`);
  const auditPath = `/audit?correlationId=${orderId}`;
  if ((await call(shop.notification, 'GET', auditPath)).status === 401) {
    say('the audit log is for operators: start the shop with OPERATOR_TOKENS=operator:write:<t>');
    say('and run the demo with OPERATOR_TOKEN=<t> to see the journey (see the README)');
    return;
  }
  const journey = await waitFor('the audit journey', async () => {
    const list = (await call(shop.notification, 'GET', auditPath)).body;
    return list.length >= 7 ? list : undefined;
  });
  console.log(
    `\n   The order's journey across the services (GET /audit?correlationId=${orderId}):`,
  );
  for (const event of journey)
    console.log(`   ${event.sentAt.slice(11, 23)}  ${event.source.padEnd(9)} ${event.messageType}`);
}

async function compensation(): Promise<void> {
  console.log('\n== A compensation: the carrier cannot deliver ==');
  const orderId = await checkout(`demo-${randomUUID().slice(0, 8)}@example.com`, '00000');
  const order = await follow(orderId, 'cancelled');
  say(`order cancelled         ${order.cancelReason}`);
}

async function deadLetterReplay(): Promise<void> {
  console.log('\n== A dead-lettered message, replayed ==');
  const exchanges = shopExchanges(process.env['EXCHANGE_PREFIX'] ?? 'shop');
  const rabbitmqUrl = process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
  const caFile = process.env['RABBITMQ_CA_FILE'];
  const tls = caFile ? { ca: readFileSync(caFile) } : undefined;
  const keys = process.env['MESSAGE_KEYS'];
  const transport = new RabbitMqTransport({
    url: rabbitmqUrl,
    tls,
    connectionName: 'demo',
    eventsExchange: exchanges.events,
    commandsExchange: exchanges.commands,
    deadLetterExchange: exchanges.deadLetter,
    logger: silentLogger,
  });
  await transport.start();
  // The customer's email in order.placed is personal data: encrypted as the services expect.
  const sending = keys
    ? new EncryptingTransport(transport, {
        keyRing: MessageKeyRing.parse(keys),
        encrypts: personalDataTypes(shopContracts),
      })
    : transport;
  const bus = new MessageBus(sending, { source: 'demo', logger: silentLogger });
  const dlq = await DeadLetterQueues.connect(rabbitmqUrl, tls);
  const queue = 'notification.customer-events';
  try {
    const orderId = randomUUID();
    const email = `late-${orderId.slice(0, 8)}@example.com`;
    const dispatched = await bus.publish(ShipmentDispatched, {
      orderId,
      shipmentId: randomUUID(),
      trackingNumber: 'TRK-DEMO',
    });
    say(
      `published               shipment.dispatched for order ${orderId}, whose order.placed never came`,
    );
    const dead = await waitFor(
      'the message in the dead-letter queue',
      async () => {
        const { messages } = await dlq.list(queue);
        return messages.find((m) => m.messageId === dispatched.messageId);
      },
      60_000,
    );
    say(`dead-lettered           ${queue}.dlq: "${dead.reason}" after ${dead.attempts} attempts`);
    await bus.publish(OrderPlaced, {
      orderId,
      customerEmail: email,
      totalCents: 1290,
      itemCount: 1,
    });
    say('published               the missing order.placed');
    const { replayed } = await dlq.replay(queue, { messageIds: [dispatched.messageId] });
    say(
      `replayed                ${replayed.length} message (npm run dlq -- replay ${queue} --id ${dispatched.messageId})`,
    );
    await waitFor('the notification of the replayed message', async () => {
      const list = (await call(shop.notification, 'GET', `/notifications?email=${email}`)).body;
      return list.some((n: { cause: string }) => n.cause === 'shipment.dispatched')
        ? list
        : undefined;
    });
    say('notification            "Your order is on its way" delivered after the replay');
  } finally {
    await dlq.close();
    await transport.close();
  }
}

async function main(): Promise<void> {
  for (const [name, base] of Object.entries(shop)) {
    await waitFor(
      `${name} healthy at ${base}`,
      async () => ((await call(base, 'GET', '/health')).status === 200 ? true : undefined),
      60_000,
    );
  }
  say(`all ${SERVICES.length} services are healthy (${SERVICES.map((s) => s.name).join(', ')})`);
  await happyPath();
  await compensation();
  await deadLetterReplay();
  console.log('\nThe demo ran to the end.');
}

main().catch((error) => {
  console.error(`\nThe demo failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
