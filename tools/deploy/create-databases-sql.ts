import type { ServiceManifest } from '@shopbus/service-manifest';

/** `deploy/postgres/create-databases.sql`: one database per service, at the volume's first start. */
export function createDatabasesSql(manifests: readonly ServiceManifest[]): string {
  return [
    '-- Generated from apps/*/service.json by `npm run deploy:generate`; do not edit.',
    '-- Runs once, when the Postgres volume is first initialised: one database per service.',
    ...manifests.map((manifest) => `CREATE DATABASE ${manifest.database};`),
    '',
  ].join('\n');
}
