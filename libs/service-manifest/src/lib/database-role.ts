import type { ServiceManifest } from './service-manifest';

/**
 * The service's own Postgres role where each service has one (docker compose): named as the
 * service, owner of its database and the only role besides the superuser that may connect to
 * it (db:setup makes it so).
 */
export const databaseRoleOf = (manifest: Pick<ServiceManifest, 'name'>): string =>
  manifest.name.replaceAll('-', '_');
