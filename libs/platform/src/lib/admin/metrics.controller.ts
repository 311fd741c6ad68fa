import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MessageBus } from '@shopbus/messaging-core';
import { observeOutbox, OutboxRelay } from '@shopbus/messaging-outbox';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ServiceMetrics } from '../metrics/service-metrics';
import { SERVICE_METRICS } from '../metrics/service-metrics.module';
import { OperatorRoute } from '../operators/operator-route.decorator';
import { observeTransport } from './transport-metrics';

/**
 * `GET /metrics`: Prometheus text: the OpenTelemetry instruments of the service (what the bus
 * sent and handled, how long it took, how each delivery ended, the relay's lag; see
 * MessageMetrics and RelayMetrics), the outbox's backlog and failures, the broker connection and
 * each endpoint's consumer, and Node's own metrics.
 */
@ApiTags('admin')
@OperatorRoute('read', 'metrics')
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(
    relay: OutboxRelay,
    bus: MessageBus,
    @Inject(SERVICE_METRICS) private readonly service: ServiceMetrics,
  ) {
    // Node's own metrics from prom-client; everything of the service's through OpenTelemetry.
    collectDefaultMetrics({ register: this.registry });
    observeOutbox(service.meter, relay);
    observeTransport(service.meter, bus.transport);
  }

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async metrics(): Promise<string> {
    const [own, instruments] = await Promise.all([
      this.registry.metrics(),
      this.service.prometheus(),
    ]);
    return `${own}\n${instruments}`;
  }
}
