import { randomBytes } from 'node:crypto';
import { databaseUrl } from '@shopbus/testing';
import pg from 'pg';
import { ensureDatabaseOwner } from '../database-owner';

/**
 * Each service its own Postgres role, owning its database alone: two "services" of this run on
 * the local server, as db:setup leaves them in docker compose.
 */
describe('a service’s database belongs to its own role', () => {
  const suffix = randomBytes(4).toString('hex');
  const services = ['left', 'right'].map((name) => ({
    role: `test_${name}_${suffix}`,
    database: `test_${name}_${suffix}`,
  }));
  const adminUrl = new URL(databaseUrl());
  adminUrl.pathname = '/postgres';
  let admin: pg.Client;

  const urlAs = (role: string, database: string) => {
    const url = new URL(adminUrl);
    url.username = role;
    url.password = 'not-checked-by-trust-auth';
    url.pathname = `/${database}`;
    return url.toString();
  };
  const queryAs = async (role: string, database: string, sql: string) => {
    const client = new pg.Client({ connectionString: urlAs(role, database) });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    for (const { database } of services) await admin.query(`CREATE DATABASE ${database}`);
    // A table an earlier set-up created as the administrator, before the service had a role.
    await queryAs(
      adminUrl.username || 'postgres',
      services[0].database,
      'CREATE TABLE legacy (id int)',
    );
    for (const service of services) {
      await ensureDatabaseOwner(admin, adminUrl, { ...service, password: 'secret' });
    }
  });
  afterAll(async () => {
    for (const { database, role } of services) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    }
    await admin?.end();
  });

  it('owns its database and what an earlier set-up left in it, and creates tables there', async () => {
    const [left] = services;
    const owners = await queryAs(
      left.role,
      left.database,
      `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()
       UNION ALL SELECT tableowner FROM pg_tables WHERE tablename = 'legacy'`,
    );
    expect(owners.rows.map((row) => row.owner)).toEqual([left.role, left.role]);
    await queryAs(left.role, left.database, 'CREATE TABLE orders (id int); DROP TABLE legacy');
  });

  it('may not connect to another service’s database', async () => {
    const [left, right] = services;
    await expect(queryAs(left.role, right.database, 'SELECT 1')).rejects.toThrow(
      `permission denied for database "${right.database}"`,
    );
  });

  it('is idempotent: a second run changes nothing and still refuses the other role', async () => {
    const [left, right] = services;
    await ensureDatabaseOwner(admin, adminUrl, { ...right, password: 'secret' });
    await expect(queryAs(left.role, right.database, 'SELECT 1')).rejects.toThrow(
      /permission denied/,
    );
    expect((await queryAs(right.role, right.database, 'SELECT 1 AS one')).rows).toEqual([
      { one: 1 },
    ]);
  });
});
