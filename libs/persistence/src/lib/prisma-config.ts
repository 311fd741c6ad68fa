import { defineConfig } from 'prisma/config';
import { prismaMigrateAdapter } from './prisma-migrate-adapter';

export interface ServicePrismaConfig {
  /** The schema folder: the service's own models and the shared outbox.prisma. */
  schema: string;
  migrations: string;
  /** The environment variable holding the service's database URL. */
  databaseUrlVariable: string;
  /** Used when the variable is unset: a database on the local Postgres. */
  defaultDatabaseUrl: string;
}

/**
 * Every service's prisma.config.ts is this call: Prisma's JavaScript schema engine (nothing to
 * download) over the pg driver adapter with its migrate bugs worked around.
 */
export function servicePrismaConfig(options: ServicePrismaConfig): ReturnType<typeof defineConfig> {
  // The schema's datasource reads the variable even for `generate`, and without it Prisma falls
  // back to downloading a query engine: give it the default before the schema is read.
  process.env[options.databaseUrlVariable] ??= options.defaultDatabaseUrl;
  return defineConfig({
    experimental: { adapter: true },
    engine: 'js',
    schema: options.schema,
    migrations: { path: options.migrations },
    adapter: async () => prismaMigrateAdapter(process.env[options.databaseUrlVariable] as string),
  });
}
