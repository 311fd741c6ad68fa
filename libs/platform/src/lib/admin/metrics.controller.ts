import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxRelay, registerOutboxMetrics } from '@shopbus/messaging-outbox';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** `GET /metrics`: Prometheus text: the outbox's backlog and failures, and Node's own metrics. */
@ApiTags('admin')
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(relay: OutboxRelay) {
    collectDefaultMetrics({ register: this.registry });
    registerOutboxMetrics(this.registry, relay);
  }

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics' })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
