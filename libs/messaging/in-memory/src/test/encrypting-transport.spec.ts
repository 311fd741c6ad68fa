import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  defineEvent,
  EncryptingTransport,
  ENCRYPTION_KEY_HEADER,
  handlerFor,
  MessageBus,
  MessageKeyRing,
  NonRetryableError,
  personalDataTypes,
  silentLogger,
  type PayloadOf,
  type Transport,
} from '@shopbus/messaging-core';
import { InMemoryBroker } from '../lib/broker/in-memory-broker';
import { InMemoryTransport } from '../lib/in-memory-transport';

const CustomerRegistered = defineEvent(
  'crypto.customer-registered',
  z.object({ email: z.email(), street: z.string() }),
  { personalData: true },
);
const StockCounted = defineEvent('crypto.stock-counted', z.object({ sku: z.string() }));
const encrypts = personalDataTypes([CustomerRegistered, StockCounted]);
const key = (id: string) => ({ id, key: randomBytes(32) });

/**
 * Personal data on the wire: a bus over an EncryptingTransport over the in-memory transport,
 * and a raw observer on the same broker that sees what the broker holds.
 */
describe('bodies of personal-data messages, encrypted on the wire', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  let broker: InMemoryBroker;
  const transports: Transport[] = [];
  beforeEach(() => {
    broker = new InMemoryBroker();
  });
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
  });

  const busWith = async (keys: { id: string; key: Buffer }[] | undefined, source: string) => {
    const inner = new InMemoryTransport({ broker });
    const transport = keys
      ? new EncryptingTransport(inner, { keyRing: new MessageKeyRing(keys), encrypts })
      : inner;
    transports.push(transport);
    await transport.start();
    return new MessageBus(transport, {
      source,
      logger: silentLogger,
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [], publishFaultEvents: true },
    });
  };
  /** Records what the broker delivers, as stored (ciphertext and all). */
  const rawTap = async (pattern: string) => {
    const seen: { headers: Record<string, unknown>; body: string }[] = [];
    const tap = new InMemoryTransport({ broker });
    transports.push(tap);
    await tap.start();
    await tap.consume(
      {
        queue: `tap.${pattern}`,
        prefetch: 10,
        contracts: [],
        redeliveryDelaysMs: [],
        bindings: [{ exchange: 'messaging.events', pattern }],
      },
      async (message) => {
        seen.push({ headers: message.metadata.headers, body: message.body.toString('latin1') });
      },
    );
    return seen;
  };
  const received = async (bus: MessageBus, queue: string) => {
    const payloads: PayloadOf<typeof CustomerRegistered>[] = [];
    await bus.subscribe({
      queue,
      handlers: [handlerFor(CustomerRegistered, async (payload) => void payloads.push(payload))],
    });
    return payloads;
  };
  // Every delivery settled, dead letters and fault events included.
  const settle = () => broker.whenQuiet();

  it('the broker holds ciphertext and the key id; the handler gets the payload as sent; other types pass in clear', async () => {
    const tap = await rawTap('crypto.#');
    const sender = await busWith([k1], 'sender');
    const payloads = await received(await busWith([k1], 'receiver'), 'receiver.customers');

    await sender.publish(CustomerRegistered, { email: 'ada@example.com', street: '1 Row' });
    await sender.publish(StockCounted, { sku: 'MUG-1' });
    await settle();

    expect(payloads).toEqual([{ email: 'ada@example.com', street: '1 Row' }]);
    const [secret, plain] = tap;
    expect(secret.headers[ENCRYPTION_KEY_HEADER]).toBe('k1');
    expect(secret.body).not.toContain('ada@example.com');
    expect(plain.headers[ENCRYPTION_KEY_HEADER]).toBeUndefined();
    expect(plain.body).toBe('{"sku":"MUG-1"}');
  });

  it('rotates without downtime: the new key encrypts, the old one still decrypts what was sent with it', async () => {
    const payloads = await received(await busWith([k2, k1], 'receiver'), 'receiver.customers');
    const before = await busWith([k1], 'old-sender');
    const after = await busWith([k2, k1], 'new-sender');
    const tap = await rawTap('crypto.customer-registered');

    await before.publish(CustomerRegistered, { email: 'old@example.com', street: 'a' });
    await after.publish(CustomerRegistered, { email: 'new@example.com', street: 'b' });
    await settle();

    expect(payloads.map((p) => p.email)).toEqual(['old@example.com', 'new@example.com']);
    expect(tap.map((m) => m.headers[ENCRYPTION_KEY_HEADER])).toEqual(['k1', 'k2']);
  });

  it.each([
    [
      'its key is not in the ring',
      [k1],
      [k2],
      /encrypted with key "k1", which is not in this service's key ring/,
    ],
    ['it arrived unencrypted', undefined, [k1], /carries personal data but arrived unencrypted/],
  ])(
    'dead-letters a message whose body cannot be read because %s, with that reason',
    async (_, senderKeys, receiverKeys, reason) => {
      const sender = await busWith(senderKeys, 'sender');
      const receiver = await busWith(receiverKeys, 'receiver');
      const payloads = await received(receiver, 'receiver.customers');

      await sender.publish(CustomerRegistered, { email: 'ada@example.com', street: '1 Row' });
      await settle();

      expect(payloads).toEqual([]);
      const { messages } = await receiver.transport.deadLetterQueues().list('receiver.customers');
      expect(messages).toHaveLength(1);
      expect(messages[0].reason).toMatch(reason);
      expect(messages[0].errorType).toBe('MalformedMessageError');
    },
  );

  it('a body moved into another message, or altered, does not decrypt there', async () => {
    const keyRing = new MessageKeyRing([k1]);
    const sealed = keyRing.encrypt(
      Buffer.from('{"email":"ada@example.com"}'),
      'id-1|crypto.customer-registered',
    );
    expect(() => keyRing.decrypt(sealed.body, 'k1', 'id-2|crypto.customer-registered')).toThrow(
      /altered, or not this message's/,
    );
    const altered = Buffer.from(sealed.body);
    altered[altered.length - 1] ^= 1;
    expect(() => keyRing.decrypt(altered, 'k1', 'id-1|crypto.customer-registered')).toThrow(
      /altered/,
    );
    expect(
      keyRing.decrypt(sealed.body, 'k1', 'id-1|crypto.customer-registered').toString(),
    ).toContain('ada@');
  });

  it('the fault event of a personal-data message is encrypted too: it copies the payload', async () => {
    const tap = await rawTap('crypto.customer-registered.faulted');
    const sender = await busWith([k1], 'sender');
    const receiver = await busWith([k1], 'receiver');
    await receiver.subscribe({
      queue: 'receiver.refusing',
      handlers: [
        handlerFor(CustomerRegistered, async () => {
          throw new NonRetryableError('refused');
        }),
      ],
    });

    await sender.publish(CustomerRegistered, { email: 'ada@example.com', street: '1 Row' });
    await settle();

    expect(tap).toHaveLength(1);
    expect(tap[0].headers[ENCRYPTION_KEY_HEADER]).toBe('k1');
    expect(tap[0].body).not.toContain('ada@example.com');
  });

  it('refuses a key ring it could not use safely', () => {
    expect(() => MessageKeyRing.parse('k1:' + randomBytes(16).toString('base64'))).toThrow(
      /AES-256 needs 32/,
    );
    expect(() => MessageKeyRing.parse('k1')).toThrow(/is not id:base64-key/);
    expect(() => new MessageKeyRing([k1, { ...k2, id: 'k1' }])).toThrow(/appears twice/);
    expect(
      MessageKeyRing.parse(`k2:${k2.key.toString('base64')},k1:${k1.key.toString('base64')}`)
        .activeKeyId,
    ).toBe('k2');
  });
});
