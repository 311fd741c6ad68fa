import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DeadLettersController } from '../admin/dead-letters.controller';
import { MetricsController } from '../admin/metrics.controller';
import { DATABASE_PING, HealthController, type DatabasePing } from './health.controller';

/**
 * The operator's side of a service: `GET /health` (database ping, broker connected, outbox
 * backlog), `GET /metrics` (Prometheus), and the dead-letter queues under `/admin/dead-letters`.
 */
@Module({})
export class ServiceHealthModule {
  static forRoot(pingDatabase: DatabasePing): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule],
      controllers: [HealthController, DeadLettersController, MetricsController],
      providers: [{ provide: DATABASE_PING, useValue: pingDatabase }],
    };
  }
}
