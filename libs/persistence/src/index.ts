// What a service runs: plain SQL on its pool. The Prisma CLI's configuration helpers
// (lib/prisma-config.ts, lib/prisma-migrate-adapter.ts) need the CLI, a dev dependency absent
// from the runtime image, so each prisma.config.ts imports them by path and nothing here does.
export * from './lib/pg-database';
export * from './lib/batch-writer';
