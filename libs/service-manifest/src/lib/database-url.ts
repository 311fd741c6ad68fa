import type { ServiceManifest } from './service-manifest';

/** The Postgres server used when neither POSTGRES_URL nor the service's own variable is set. */
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * The service's database URL: its own variable if set (`CART_DATABASE_URL`), else its database
 * on the server POSTGRES_URL names, else on the local Postgres.
 */
export function databaseUrlOf(
  manifest: Pick<ServiceManifest, 'database' | 'databaseUrlVariable'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const given = env[manifest.databaseUrlVariable];
  if (given) return given;
  const server = new URL(env['POSTGRES_URL'] || DEFAULT_POSTGRES_URL);
  server.pathname = `/${manifest.database}`;
  return server.toString();
}
