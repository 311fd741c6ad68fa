import type { OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PgDatabase, servicePool } from '@shopbus/persistence';
import { PrismaClient } from './generated/prisma/client';

/**
 * The notification service's database: Prisma over the pg driver adapter, and `sql`, the same pool through
 * plain pg for the statements run on every message (see PgDatabase for why).
 */
export class NotificationPrisma extends PrismaClient implements OnModuleDestroy {
  readonly sql: PgDatabase;

  constructor(databaseUrl: string) {
    const pool = servicePool(databaseUrl);
    super({ adapter: new PrismaPg(pool) });
    this.sql = new PgDatabase(pool);
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.sql.pool.end();
  }
}
