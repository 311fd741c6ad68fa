import type { ServiceManifest } from './service-manifest';

/** The prefix of a service's own environment variables: `order-history` → `ORDER_HISTORY`. */
export const variablePrefixOf = (manifest: Pick<ServiceManifest, 'name'>): string =>
  manifest.name.toUpperCase().replaceAll('-', '_');

/** `<NAME>_DATABASE_PASSWORD`: the variable holding the password of the service's Postgres role. */
export const databasePasswordVariableOf = (manifest: Pick<ServiceManifest, 'name'>): string =>
  `${variablePrefixOf(manifest)}_DATABASE_PASSWORD`;

/** `<NAME>_BROKER_PASSWORD`: the variable holding the password of the service's broker user. */
export const brokerPasswordVariableOf = (manifest: Pick<ServiceManifest, 'name'>): string =>
  `${variablePrefixOf(manifest)}_BROKER_PASSWORD`;
