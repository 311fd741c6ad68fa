import path from 'node:path';
import pg from 'pg';
import { planNodes, TestDatabase } from '@shopbus/testing';
import {
  METRICS_CONNECTION_OPTIONS,
  OUTBOX_TABLE_METRICS_SQL,
  readOutboxTable,
} from '../lib/metrics/outbox-metrics';

/**
 * The counts every health check and scrape reads (OutboxRelay.metrics), on a real database that
 * keeps a day's published rows and was never analyzed.
 */
describe('the outbox metrics query', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await TestDatabase.create(
      'outbox_metrics',
      path.join(__dirname, 'prisma/migrations'),
    );
    client = new pg.Client({ connectionString: database.url, options: METRICS_CONNECTION_OPTIONS });
    await client.connect();
    // No statistics, whatever the server's autovacuum does: as with autovacuum off, or a burst.
    await client.query('ALTER TABLE outbox_message SET (autovacuum_enabled = false)');
    const row = (key: string, state: string) => `
      INSERT INTO outbox_message (message_id, partition_key, slice, intent, message_type,
                                  metadata, payload, ${state})
      SELECT gen_random_uuid(), '${key}' || n, n % 64, 'publish', 'test', '{}', '{}',`;
    await client.query(`${row('published', 'attempts, published_at, pending')} 0, now(), false
                          FROM generate_series(1, 30000) AS n`);
    await client.query(`${row('failed', 'attempts, failed_at, pending')} 5, now(), false
                          FROM generate_series(1, 3) AS n`);
    await client.query(`${row('retried', 'attempts, published_at, pending')} 2, now(), false
                          FROM generate_series(1, 4) AS n`);
    await client.query(`${row('due', 'next_attempt_at')} now() - interval '1 minute'
                          FROM generate_series(1, 2) AS n`);
    await client.query(`${row('scheduled', 'next_attempt_at')} now() + interval '1 hour'
                          FROM generate_series(1, 5) AS n`);
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('counts pending, scheduled and failed rows, and the oldest due row', async () => {
    const metrics = await readOutboxTable(client);
    expect(metrics).toMatchObject({ pending: 7, scheduled: 5, failed: 3 });
    expect(metrics.oldestPendingAgeMs).toBeGreaterThanOrEqual(60_000);
  });

  it('reads the table through its indexes, never by a sequential scan of every row kept', async () => {
    const scans = (await planNodes(client, OUTBOX_TABLE_METRICS_SQL)).filter(
      (node) => node['Relation Name'] === 'outbox_message',
    );
    expect(scans.length).toBe(4);
    expect(scans.filter((node) => node['Node Type'] === 'Seq Scan')).toEqual([]);
  });
});
