import {
  Controller,
  Injectable,
  Module,
  Post,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  defineCommand,
  defineEndpoint,
  defineEvent,
  type PayloadOf,
} from '@shopbus/messaging-core';
import { MessageHandler } from '@shopbus/messaging-nestjs';
import { Outbox } from '@shopbus/messaging-outbox';
import { PgDatabase, servicePool } from '@shopbus/persistence';
import { z } from 'zod';
import type { ServiceConfig } from '../../lib/config/service-config';
import { serviceInfrastructure, type ServiceTuning } from '../../lib/service-infrastructure';

/**
 * The one command the operated service handles, and the one event it announces. A job may ask
 * to fail its first attempt or every attempt: a retried and a dead-lettered message on demand.
 */
export const DoWork = defineCommand(
  'operated.do-work',
  z.object({ jobId: z.uuid(), fail: z.enum(['once', 'always']).optional() }),
);
export const WorkAnnounced = defineEvent(
  'operated.work-announced',
  z.object({ jobId: z.string() }),
);
export const workEndpoint = defineEndpoint({ queue: 'operated.work' });

@Injectable()
class DoWorkHandler {
  private readonly failedOnce = new Set<string>();

  @MessageHandler(DoWork, workEndpoint)
  async work({ jobId, fail }: PayloadOf<typeof DoWork>): Promise<void> {
    if (fail === 'always') throw new Error(`job ${jobId} fails every time`);
    if (fail === 'once' && !this.failedOnce.has(jobId)) {
      this.failedOnce.add(jobId);
      throw new Error(`job ${jobId} fails the first time`);
    }
  }
}

/** POST /announce writes an event into the outbox: the relay's rows, for the operator routes. */
@Controller()
class AnnounceController {
  constructor(
    private readonly outbox: Outbox,
    private readonly database: PgDatabase,
  ) {}

  @Post('announce')
  async announce(): Promise<{ jobId: string }> {
    const jobId = crypto.randomUUID();
    await this.database.$transaction((tx) => this.outbox.publish(tx, WorkAnnounced, { jobId }));
    return { jobId };
  }
}

/**
 * The smallest service the platform runs: one endpoint, one outbox event, and everything
 * serviceInfrastructure brings (health, metrics, dead-letter and outbox operator routes, the
 * relay). The platform's operational routes are tested on it, not on one of the shop's services.
 */
@Module({})
export class OperatedServiceModule implements OnApplicationShutdown {
  constructor(private readonly database: PgDatabase) {}

  /** Its pool ends with it: a test's health check must not reach for it afterwards. */
  async onApplicationShutdown(): Promise<void> {
    await this.database.pool.end();
  }

  static forRoot(config: ServiceConfig, tuning: ServiceTuning = {}): DynamicModule {
    const database = new PgDatabase(servicePool(config.databaseUrl));
    return {
      module: OperatedServiceModule,
      imports: serviceInfrastructure(
        config,
        {
          database: { ping: () => database.$queryRaw`SELECT 1`, transactions: database },
          outgoing: [WorkAnnounced],
        },
        tuning,
      ),
      controllers: [AnnounceController],
      providers: [DoWorkHandler, { provide: PgDatabase, useValue: database }],
    };
  }
}
