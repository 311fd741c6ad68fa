import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DATABASE_PING, HealthController, type DatabasePing } from './health.controller';

/** `GET /health`: the database (ping) and the broker (connected), plus the outbox backlog. */
@Module({})
export class ServiceHealthModule {
  static forRoot(pingDatabase: DatabasePing): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule],
      controllers: [HealthController],
      providers: [{ provide: DATABASE_PING, useValue: pingDatabase }],
    };
  }
}
