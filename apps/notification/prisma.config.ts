import path from 'node:path';
// The Prisma CLI loads this file without the workspace's path aliases: a relative import it is.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { servicePrismaConfig } from '../../libs/persistence/src/lib/prisma-config';

export default servicePrismaConfig({
  schema: path.join(__dirname, 'prisma', 'schema'),
  migrations: path.join(__dirname, 'prisma', 'migrations'),
  databaseUrlVariable: 'NOTIFICATION_DATABASE_URL',
  defaultDatabaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_notification',
});
