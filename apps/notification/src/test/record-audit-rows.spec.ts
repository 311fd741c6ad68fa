import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CartCheckedOut, OrderPlaced } from '@shopbus/contracts';
import { planNodes, TestDatabase } from '@shopbus/testing';
import { recordAuditRows, type AuditRow } from '../audit/record-audit-rows.statement';

/** A row of the audit log as the audit endpoint writes it. */
function auditRow(messageType: string, correlationId: string, sentAt: Date): AuditRow {
  return {
    message_id: randomUUID(),
    message_type: messageType,
    source: 'test',
    correlation_id: correlationId,
    conversation_id: correlationId,
    causation_id: null,
    sent_at: sentAt.toISOString(),
    payload: { orderId: correlationId },
    sealed_payload: null,
    customer_ref: null,
    customer_key_id: null,
  };
}

/** The audit log's one statement (record-audit-rows.statement.ts), on a real database. */
describe('recording audit rows', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await TestDatabase.create(
      'notification_audit_rows',
      path.join(__dirname, '../../prisma/migrations'),
    );
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('completes a journey step when the second of its events is stored, and a redelivery completes nothing', async () => {
    const orderId = randomUUID();
    const checkedOutAt = new Date('2026-11-28T10:00:00.000Z');
    const first = recordAuditRows([auditRow(CartCheckedOut.type, orderId, checkedOutAt)]);
    expect((await client.query(first.text, first.values)).rows).toEqual([]);

    const placed = auditRow(OrderPlaced.type, orderId, new Date(checkedOutAt.getTime() + 2500));
    const second = recordAuditRows([placed]);
    expect((await client.query(second.text, second.values)).rows).toEqual([
      { step: 'checkout-to-placed', seconds: 2.5 },
    ]);
    const redelivered = recordAuditRows([placed]);
    expect((await client.query(redelivered.text, redelivered.values)).rows).toEqual([]);
  });

  it('finds earlier events through the correlation index, not by reading the whole log, even without statistics', async () => {
    // A log of 35,000 events that was never analyzed (as with autovacuum off, or grown since).
    await client.query('ALTER TABLE audit_entry SET (autovacuum_enabled = false)');
    await client.query(`
      INSERT INTO audit_entry (message_id, message_type, source, correlation_id, conversation_id,
                               sent_at, payload)
      SELECT gen_random_uuid()::text, type, 'test', 'order-' || n, 'order-' || n, now(), '{}'
        FROM generate_series(1, 5000) AS n,
             unnest(ARRAY['cart.checked-out', 'order.placed', 'shipment.created', 'order.shipped',
                          'shipment.dispatched', 'shipment.delivered', 'order.delivered']) AS type`);
    const orderId = randomUUID();
    const batch = recordAuditRows([
      auditRow(OrderPlaced.type, orderId, new Date()),
      auditRow('shipment.created', orderId, new Date()),
    ]);

    const nodes = await planNodes(client, batch.text, batch.values);
    expect(
      nodes.filter(
        (node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'audit_entry',
      ),
    ).toEqual([]);
    expect(nodes.map((node) => node['Index Name'])).toContain(
      'audit_entry_correlation_id_sent_at_idx',
    );
  });
});
