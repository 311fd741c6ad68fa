import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { MessageMetrics } from '@shopbus/messaging-core';

/**
 * A service's OpenTelemetry metrics: one meter provider per service instance (never the global
 * one, so that two services in one process, as in the tests, count apart), read by a Prometheus
 * reader that serves no port of its own: `GET /metrics` renders it beside Node's own metrics.
 */
export interface ServiceMetrics {
  /** The service's meter, for its own instruments (the order service's step durations). */
  readonly meter: Meter;
  /** The bus's and the relay's instruments (see MessageMetrics). */
  readonly messaging: MessageMetrics;
  /** Every instrument as Prometheus text, collected now. */
  prometheus(): Promise<string>;
  shutdown(): Promise<void>;
}

export function startServiceMetrics(serviceName: string): ServiceMetrics {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [reader],
  });
  const meter = provider.getMeter('shopbus');
  const serializer = new PrometheusSerializer();
  return {
    meter,
    messaging: new MessageMetrics({ meter }),
    async prometheus() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}
