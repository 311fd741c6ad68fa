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
  /** The service's meter, for its own instruments (notification's journey step durations). */
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
      // An instrument that cannot be read now (the outbox's gauges while the database is away)
      // leaves out its own series and says why, never the others: a scrape that failed as a
      // whole would hide the broker's state exactly when an operator needs it.
      const { resourceMetrics, errors } = await reader.collect();
      const why = errors.map((error) => `# not collected: ${String(error).replace(/\s+/g, ' ')}\n`);
      return `${why.join('')}${serializer.serialize(resourceMetrics)}`;
    },
    shutdown: () => provider.shutdown(),
  };
}
