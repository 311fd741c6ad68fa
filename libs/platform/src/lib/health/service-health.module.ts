import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DeadLettersController } from '../admin/dead-letters.controller';
import { FailedOutboxRowsController } from '../admin/failed-outbox-rows.controller';
import { MetricsController } from '../admin/metrics.controller';
import {
  DATABASE_PING,
  HEALTH_OPTIONS,
  HealthController,
  type DatabasePing,
  type HealthOptions,
} from './health.controller';

/**
 * The operator's side of a service: `GET /health/live` and `/health/ready` (database, broker,
 * consumers, outbox relay), `GET /metrics` (Prometheus), and the dead-letter queues under
 * `/admin/dead-letters`, the outbox rows the relay gave up on under `/admin/outbox/failed`.
 */
@Module({})
export class ServiceHealthModule {
  static forRoot(pingDatabase: DatabasePing, options: HealthOptions): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule],
      controllers: [
        HealthController,
        DeadLettersController,
        FailedOutboxRowsController,
        MetricsController,
      ],
      providers: [
        { provide: DATABASE_PING, useValue: pingDatabase },
        { provide: HEALTH_OPTIONS, useValue: options },
      ],
    };
  }
}
