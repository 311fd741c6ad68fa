import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { MessageBus } from '@shopbus/messaging-core';
import { OutboxRelay } from '@shopbus/messaging-outbox';
import {
  brokerReadiness,
  consumersReadiness,
  outboxReadiness,
  type ReadinessPart,
} from './readiness';
import { OperatorRoute } from '../operators/operator-route.decorator';

/** Pings the service's database; provided by the service (its own Prisma client). */
export const DATABASE_PING = Symbol('DATABASE_PING');
export type DatabasePing = () => Promise<unknown>;

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
export interface HealthOptions {
  /** A due outbox row older than this makes the service not ready. */
  outboxStallAfterMs: number;
}

/**
 * Kubernetes' two questions. Liveness (`/health/live`): is the process able to answer at all,
 * restart it if not; nothing outside the process is asked, so a database or broker outage never
 * restarts a healthy service. Readiness (`/health/ready`, and `/health`): can it do its work right
 * now: database reachable, broker connected and not blocking publishers, every endpoint
 * consuming, the outbox relay keeping up. 503 with the failing part named when not.
 */
@ApiTags('health')
@OperatorRoute('read', 'health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: MessageBus,
    private readonly relay: OutboxRelay,
    @Inject(DATABASE_PING) private readonly pingDatabase: DatabasePing,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (nothing else is asked)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness (the same as /health/ready)' })
  check() {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database, broker (connected, not blocked), every consumer, outbox relay',
  })
  ready() {
    return this.health.check([
      async () => {
        try {
          await withTimeout(this.pingDatabase(), 2000);
          return this.report('database', { up: true, details: {} });
        } catch (error) {
          return this.report('database', { up: false, details: { message: messageOf(error) } });
        }
      },
      () => this.report('broker', brokerReadiness(this.bus.transport.status())),
      () => this.report('consumers', consumersReadiness(this.bus.transport.status())),
      async () => {
        const metrics = await withTimeout(this.relay.metrics(), 2000).catch((error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
        );
        return this.report('outbox', outboxReadiness(metrics, this.options.outboxStallAfterMs));
      },
    ]);
  }

  private report(name: string, part: ReadinessPart): HealthIndicatorResult {
    const indicator = this.indicators.check(name);
    return part.up ? indicator.up(part.details) : indicator.down(part.details);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
