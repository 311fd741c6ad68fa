/**
 * `npm run db:setup`: creates each service's database if it does not exist and applies its
 * migrations with `prisma migrate deploy` (the four in parallel). Idempotent: run it before
 * every start. The Docker images run the same command for their own service.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { databaseUrlOf, type ServiceManifest } from '@shopbus/service-manifest';
import { SERVICES, WORKSPACE_ROOT } from './services';

const run = promisify(execFile);

export async function setUpDatabase(service: ServiceManifest): Promise<void> {
  const url = new URL(databaseUrlOf(service));
  const database = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      console.log(`${service.name}: created database ${database}`);
    }
  } finally {
    await client.end();
  }
  await run(
    process.execPath,
    [
      path.join(WORKSPACE_ROOT, 'node_modules/prisma/build/index.js'),
      'migrate',
      'deploy',
      '--config',
      path.join(WORKSPACE_ROOT, 'apps', service.name, 'prisma.config.ts'),
    ],
    {
      cwd: WORKSPACE_ROOT,
      env: {
        ...process.env,
        [service.databaseUrlVariable]: url.toString(),
        CHECKPOINT_DISABLE: '1',
      },
    },
  );
  console.log(`${service.name}: migrations applied to ${database}`);
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const chosen = SERVICES.filter((service) => !only || service.name === only);
  if (chosen.length === 0) throw new Error(`No service "${only}"`);
  await Promise.all(chosen.map(setUpDatabase));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
