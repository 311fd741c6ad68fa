import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

/** The server the tests use: set by CI or by global-setup (testcontainers). */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run the tests through Jest (its globalSetup sets it)',
    );
  }
  return url;
}

/**
 * A database of its own for one test suite: created under a unique name, migrated with a
 * project's Prisma migration files (the same SQL `prisma migrate deploy` applies, run in order),
 * dropped at the end.
 */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(prefix: string, migrationsDir: string): Promise<TestDatabase> {
    const name = `test_${prefix.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
    await withClient(databaseUrl(), (admin) => admin.query(`CREATE DATABASE "${name}"`));
    const url = new URL(databaseUrl());
    url.pathname = `/${name}`;
    const database = new TestDatabase(name, url.toString());
    const migrations = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    await withClient(database.url, async (client) => {
      for (const migration of migrations) {
        await client.query(
          await readFile(path.join(migrationsDir, migration, 'migration.sql'), 'utf8'),
        );
      }
    });
    return database;
  }

  /** Runs SQL on the test database, on a connection of its own. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    return withClient(this.url, async (client) => (await client.query<R>(sql, values)).rows);
  }

  /** Drops the database, disconnecting whoever is still connected. */
  /**
   * The database goes away as in a restart: every session cut, new ones refused until
   * `acceptConnections`. Only this test's database; the server and other tests are untouched.
   */
  async refuseConnections(): Promise<void> {
    await withClient(databaseUrl(), async (admin) => {
      await admin.query(`ALTER DATABASE "${this.name}" ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [this.name],
      );
    });
  }

  async acceptConnections(): Promise<void> {
    await withClient(databaseUrl(), (admin) =>
      admin.query(`ALTER DATABASE "${this.name}" ALLOW_CONNECTIONS true`),
    );
  }

  async drop(): Promise<void> {
    await withClient(databaseUrl(), (admin) =>
      admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`),
    );
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
