import path from 'node:path';
// The Prisma CLI loads this file without the workspace's path aliases: relative imports it is.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { servicePrismaConfig } from '../../libs/persistence/src/lib/prisma-config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { databaseUrlOf, readServiceManifest } from '../../libs/service-manifest/src';

const manifest = readServiceManifest(__dirname);

export default servicePrismaConfig({
  schema: path.join(__dirname, 'prisma', 'schema'),
  migrations: path.join(__dirname, 'prisma', 'migrations'),
  databaseUrlVariable: manifest.databaseUrlVariable,
  defaultDatabaseUrl: databaseUrlOf(manifest),
});
