export * from './lib/prisma-config';
export * from './lib/prisma-migrate-adapter';
export * from './lib/pg-database';
