import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { OrderPlaced, OrderShipped, ShipmentDispatched } from '@shopbus/contracts';
import { MessageKeyRing } from '@shopbus/messaging-core';
import type { MessagingHarness } from '@shopbus/messaging-in-memory';
import { asOperator, startShopHarness, type ServiceOnHarness } from '@shopbus/platform/testing';
import { CustomerKeys, customerRefOf } from '../audit/customer-keys';
import type { NotificationConfig } from '../config';
import { startNotificationOnHarness } from './notification-on-harness';
import { NotificationPrisma } from '../notification-prisma.service';

/**
 * The audit log's personal data, sealed with a key per customer, and forgetting a customer by
 * deleting their key: on the messaging harness, with the service's real database.
 */
describe('the audit log forgets a customer', () => {
  let harness: MessagingHarness;
  let notification: ServiceOnHarness<NotificationConfig>;
  let api: ReturnType<typeof request>;
  let prisma: NotificationPrisma;

  beforeEach(async () => {
    harness = await startShopHarness();
    notification = await startNotificationOnHarness(harness);
    api = request(notification.http as never);
    prisma = notification.app.get(NotificationPrisma);
  });
  afterEach(async () => {
    await notification.close();
    await harness.close();
  });

  const journey = async (orderId: string) =>
    (
      await api
        .get(`/audit?correlationId=${orderId}`)
        .set('Authorization', asOperator('read'))
        .expect(200)
    ).body as { messageType: string; payload: Record<string, unknown> | null; forgotten?: true }[];
  const forget = (email: string, role: 'read' | 'write' = 'write') =>
    api.post('/admin/customers/forget').set('Authorization', asOperator(role)).send({ email });
  /** One order's events, as the shop publishes them. */
  const order = async (customerEmail: string) => {
    const orderId = randomUUID();
    const options = { correlationId: orderId };
    await harness.bus.publish(
      OrderPlaced,
      { orderId, customerEmail, totalCents: 990, itemCount: 1 },
      options,
    );
    await harness.bus.publish(
      ShipmentDispatched,
      { orderId, shipmentId: randomUUID(), trackingNumber: 'TRK-1' },
      options,
    );
    await harness.bus.publish(
      OrderShipped,
      { orderId, customerEmail, trackingNumber: 'TRK-1' },
      options,
    );
    return orderId;
  };

  it('stores a customer’s personal events sealed with their key, and shows them opened', async () => {
    const orderId = await order('ada@example.com');
    await harness.whenQuiet();

    const rows = await prisma.auditEntry.findMany({ where: { correlationId: orderId } });
    const byType = new Map(rows.map((row) => [row.messageType, row]));
    for (const type of ['order.placed', 'order.shipped']) {
      const row = byType.get(type);
      expect(row?.payload).toBeNull();
      expect(row?.customerRef).toBe(customerRefOf('ada@example.com'));
      expect(Buffer.from(row?.sealedPayload ?? []).includes('ada@example.com')).toBe(false);
    }
    // No personal data: kept as it came.
    expect(byType.get('shipment.dispatched')?.payload).toMatchObject({ orderId });

    const entries = await journey(orderId);
    expect(entries.map((entry) => [entry.messageType, entry.payload?.['customerEmail']])).toEqual([
      ['order.placed', 'ada@example.com'],
      ['shipment.dispatched', undefined],
      ['order.shipped', 'ada@example.com'],
    ]);
  });

  it('forgets one customer: their payloads are gone, the envelopes stay, others are untouched', async () => {
    const adas = await order('ada@example.com');
    const bobs = await order('bob@example.com');
    await harness.whenQuiet();

    // The address as another system spells it finds the same customer.
    const answer = await forget('Ada@Example.COM').expect(200);
    expect(answer.body).toEqual({ forgotten: true, auditEntries: 2 });

    const forgotten = await journey(adas);
    expect(forgotten.map((entry) => [entry.messageType, entry.payload, entry.forgotten])).toEqual([
      ['order.placed', null, true],
      ['shipment.dispatched', expect.objectContaining({ orderId: adas }), undefined],
      ['order.shipped', null, true],
    ]);
    expect((await journey(bobs)).every((entry) => entry.payload !== null)).toBe(true);
    // Forgetting again finds no key; the entries stay unreadable.
    expect((await forget('ada@example.com').expect(200)).body).toEqual({
      forgotten: false,
      auditEntries: 2,
    });
  });

  it('gives a customer who comes back a new key: their new events are readable, the old stay forgotten', async () => {
    const before = await order('cy@example.com');
    await harness.whenQuiet();
    await forget('cy@example.com').expect(200);
    const after = await order('cy@example.com');
    await harness.whenQuiet();

    expect((await journey(before)).filter((entry) => entry.forgotten)).toHaveLength(2);
    expect((await journey(after)).every((entry) => entry.payload !== null)).toBe(true);
  });

  it('answers 400 for a bad request and changes nothing; a read operator may not forget', async () => {
    const orderId = await order('dee@example.com');
    await harness.whenQuiet();

    expect((await forget('not-an-address').expect(400)).body.message).toEqual([
      'email must be an email address',
    ]);
    await api
      .post('/admin/customers/forget')
      .set('Authorization', asOperator('write'))
      .send({ email: 'dee@example.com', everything: true })
      .expect(400);
    await forget('dee@example.com', 'read').expect(403);
    await api.post('/admin/customers/forget').send({ email: 'dee@example.com' }).expect(401);
    expect((await journey(orderId)).every((entry) => entry.payload !== null)).toBe(true);
  });

  it('wraps each data key with the message key ring; a rotated ring still opens it, a ring without its key cannot', async () => {
    const oldKey = { id: 'old', key: randomBytes(32) };
    const newKey = { id: 'new', key: randomBytes(32) };
    const old = new MessageKeyRing([oldKey]);
    const ref = customerRefOf(`${randomUUID()}@example.com`);
    const created = (await new CustomerKeys(prisma, old).keysFor([ref])).get(ref);
    if (!created) throw new Error('no key was created');
    const stored = await prisma.customerKey.findUniqueOrThrow({ where: { customerRef: ref } });
    expect(stored.wrappingKeyId).toBe('old');
    expect(stored.dataKey.length).toBeGreaterThan(32); // iv, tag and the wrapped key

    const sealed = created.encrypt(Buffer.from('{"customerEmail":"x"}'), 'm1');
    // Rotated as the README says: the new key first, the old one still there.
    const rotated = new MessageKeyRing([newKey, oldKey]);
    const reopened = (await new CustomerKeys(prisma, rotated).existing([ref])).get(ref);
    expect(reopened?.decrypt(sealed.body, sealed.keyId, 'm1').toString()).toBe(
      '{"customerEmail":"x"}',
    );
    await expect(
      new CustomerKeys(prisma, new MessageKeyRing([newKey])).existing([ref]),
    ).rejects.toThrow(/key "old", which is not in this service's key ring/);
  });
});
