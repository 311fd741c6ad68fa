import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MessageBus } from '@shopbus/messaging-core';
import { OutboxRelay } from '@shopbus/messaging-outbox';

/** Pings the service's database; provided by the service (its own Prisma client). */
export const DATABASE_PING = Symbol('DATABASE_PING');
export type DatabasePing = () => Promise<unknown>;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: MessageBus,
    private readonly relay: OutboxRelay,
    @Inject(DATABASE_PING) private readonly pingDatabase: DatabasePing,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Database and broker reachable; the outbox backlog for information' })
  check() {
    return this.health.check([
      async () => {
        const database = this.indicators.check('database');
        try {
          await withTimeout(this.pingDatabase(), 2000);
          return database.up();
        } catch (error) {
          return database.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
      () => {
        const broker = this.indicators.check('broker');
        return this.bus.transport.isConnected
          ? broker.up()
          : broker.down({ message: 'not connected to RabbitMQ (reconnecting)' });
      },
      async () => {
        const outbox = this.indicators.check('outbox');
        const metrics = await this.relay.metrics();
        return outbox.up({
          pending: metrics.pending,
          oldestPendingAgeMs: metrics.oldestPendingAgeMs,
          failed: metrics.failed,
        });
      },
    ]);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
