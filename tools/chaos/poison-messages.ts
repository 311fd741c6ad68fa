import { randomUUID } from 'node:crypto';
import { connect, type Options } from 'amqplib';

/** Every poison message's id starts so (where it has one), and its type where it has none. */
export const POISON_ID_PREFIX = 'chaos-poison-';
export const POISON_TYPE_PREFIX = 'chaos.';

interface Poison {
  kind: string;
  /** A queue by name (default exchange) or an exchange and routing key. */
  exchange: string;
  routingKey: string;
  body: Buffer;
  properties: Options.Publish;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * What a broken or hostile client can put into the shop's queues: each kind that once broke an
 * endpoint (a consumer killed, a loop, a silent loss, an amplification, a forgery). Each must end
 * in a dead-letter queue with its reason, and the endpoint must consume on.
 */
export function poisonMessages(eventsExchange: string): Poison[] {
  const order = { orderId: randomUUID(), shipmentId: randomUUID() };
  const id = (kind: string) => `${POISON_ID_PREFIX}${kind}-${randomUUID().slice(0, 8)}`;
  return [
    {
      kind: 'a timestamp of 10^15 s, no sent-at',
      exchange: '',
      routingKey: 'shipping.courier',
      body: json(order),
      properties: {
        messageId: id('timestamp'),
        type: 'shipping.courier-dispatch',
        timestamp: 1e15,
      },
    },
    {
      kind: 'a 250-character message type',
      exchange: '',
      routingKey: 'order.fulfilment',
      body: json(order),
      properties: { messageId: id('long-type'), type: `${POISON_TYPE_PREFIX}${'x'.repeat(244)}` },
    },
    ...[1, 2].map((n) => ({
      kind: `no message id (${n} of 2)`,
      exchange: '',
      routingKey: 'notification.customer-events',
      body: json({ n }),
      properties: { type: `${POISON_TYPE_PREFIX}no-id` },
    })),
    {
      kind: 'a NUL character in a payload field',
      exchange: eventsExchange,
      routingKey: 'order.chaos-nul',
      body: json({ ...order, note: 'a\u0000b' }),
      properties: { messageId: id('nul'), type: 'order.chaos-nul' },
    },
    {
      kind: 'forged redelivery-count and fault headers',
      exchange: '',
      routingKey: 'order.fulfilment',
      body: json(order),
      properties: {
        messageId: id('forged'),
        type: 'shipment.delivered',
        headers: { 'redelivery-count': 99, 'fault-message': 'forged', 'fault-service': 'nobody' },
      },
    },
    {
      kind: 'an 8 MB body',
      exchange: '',
      routingKey: 'order.fulfilment',
      body: json({ ...order, padding: 'p'.repeat(8 * 1024 * 1024) }),
      properties: { messageId: id('huge'), type: 'shipment.delivered' },
    },
  ];
}

/**
 * Publishes every poison message (confirmed), as a client with the broker's credentials would;
 * resolves with the ids of those that carry one.
 */
export async function publishPoison(
  rabbitmqUrl: string,
  eventsExchange: string,
): Promise<string[]> {
  const connection = await connect(rabbitmqUrl);
  try {
    const channel = await connection.createConfirmChannel();
    const ids: string[] = [];
    for (const poison of poisonMessages(eventsExchange)) {
      channel.publish(poison.exchange, poison.routingKey, poison.body, {
        persistent: true,
        appId: 'chaos-rig',
        ...poison.properties,
      });
      if (poison.properties.messageId) ids.push(poison.properties.messageId);
    }
    await channel.waitForConfirms();
    return ids;
  } finally {
    await connection.close();
  }
}

/** Whether a dead-lettered message is one of the rig's poison messages, or its fault event. */
export function isPoison(message: {
  messageId?: string;
  messageType?: string;
  body: string;
}): boolean {
  const id = message.messageId ?? '';
  const type = message.messageType ?? '';
  return (
    id.startsWith(POISON_ID_PREFIX) ||
    type.startsWith(POISON_TYPE_PREFIX) ||
    type.startsWith('order.chaos-') ||
    (type.endsWith('.faulted') && message.body.includes(POISON_ID_PREFIX))
  );
}
