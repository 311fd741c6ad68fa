/**
 * `npm run db:setup`: creates each service's database if it does not exist and applies its
 * migrations with `prisma migrate deploy` (the four in parallel). Idempotent: run it before
 * every start. Docker compose's one-shot `migrate` container runs the same command.
 *
 * Where a service's URL names another user than the administrator's (`POSTGRES_URL`, as in
 * docker compose: each service its own role), that role is created and made the owner of the
 * service's database and the only one that may connect to it, and the migrations run as it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  databasePasswordVariableOf,
  databaseRoleOf,
  databaseUrlOf,
  type ServiceManifest,
} from '@shopbus/service-manifest';
import { ensureDatabaseOwner } from './database-owner';
import { SERVICES, WORKSPACE_ROOT } from './services';

const run = promisify(execFile);

/**
 * The service's database URL: its own (`<NAME>_DATABASE_URL`), else, where its role's password
 * is given (`<NAME>_DATABASE_PASSWORD`, as docker compose's migrate step has them), its role on
 * POSTGRES_URL's server, else the server's user.
 */
export function setUpUrlOf(service: ServiceManifest, env: NodeJS.ProcessEnv = process.env): URL {
  const url = new URL(databaseUrlOf(service, env));
  const password = env[databasePasswordVariableOf(service)];
  if (env[service.databaseUrlVariable] || !password) return url;
  url.username = databaseRoleOf(service);
  url.password = password;
  return url;
}

export async function setUpDatabase(service: ServiceManifest): Promise<void> {
  const url = setUpUrlOf(service);
  const database = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(process.env['POSTGRES_URL'] || url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      console.log(`${service.name}: created database ${database}`);
    }
    const owner = decodeURIComponent(url.username);
    if (owner && owner !== decodeURIComponent(admin.username)) {
      await ensureDatabaseOwner(client, admin, {
        role: owner,
        password: decodeURIComponent(url.password) || undefined,
        database,
      });
      console.log(`${service.name}: ${database} belongs to role ${owner}, which alone connects`);
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
