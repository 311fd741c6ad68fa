import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MessageBus } from '@shopbus/messaging-core';
import { OutboxRelay, registerOutboxMetrics } from '@shopbus/messaging-outbox';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { OperatorRoute } from '../operators/operator-route.decorator';
import { registerTransportMetrics } from './transport-metrics';

/**
 * `GET /metrics`: Prometheus text: the outbox's backlog and failures, the broker connection and
 * each endpoint's consumer, and Node's own metrics.
 */
@ApiTags('admin')
@OperatorRoute('read', 'metrics')
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(relay: OutboxRelay, bus: MessageBus) {
    collectDefaultMetrics({ register: this.registry });
    registerOutboxMetrics(this.registry, relay);
    registerTransportMetrics(this.registry, bus.transport);
  }

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics' })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
