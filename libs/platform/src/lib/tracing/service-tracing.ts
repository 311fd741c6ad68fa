import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MessageTracing } from '@shopbus/messaging-core';
import { tracePrismaQueries } from './prisma-query-spans';
import { serviceSampler } from './service-sampler';

/** Where a service's spans go: an OTLP/HTTP collector (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
export interface TracingConfig {
  /** The collector's base URL; spans are posted to `<endpoint>/v1/traces`. */
  otlpEndpoint: string;
  /** How long spans wait to be sent in a batch (`OTEL_BSP_SCHEDULE_DELAY`, default 5000 ms). */
  scheduleDelayMs: number;
  /** The share of traces begun here that are recorded (see serviceSampler); default 1. */
  sampleRatio?: number;
}

/** A service's tracing while it runs: its tracer, the bus's MessageTracing, and the flush at exit. */
export interface ServiceTracing {
  readonly tracer: Tracer;
  readonly messaging: MessageTracing;
  /** Sends the spans still batched and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for a service that has a collector to send to: spans batched to it over
 * OTLP/HTTP, named for the service (`service.name`), and the async context manager, so that a
 * span stays the active one across the awaits of the request or message it covers; the Prisma
 * client's operations and statements join the trace they run in (tracePrismaQueries). Without a
 * collector the service traces nothing and pays nothing.
 */
export function startServiceTracing(serviceName: string, config: TracingConfig): ServiceTracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    sampler: serviceSampler(config.sampleRatio),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
        { scheduledDelayMillis: config.scheduleDelayMs },
      ),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Global as well, for the spans of code that knows no service: a PgDatabase's statements
  // (inStatementSpan). One service per process; in a process of several, the first one's.
  trace.setGlobalTracerProvider(provider);
  const untracePrisma = tracePrismaQueries(provider);
  const tracer = provider.getTracer('shopbus');
  return {
    tracer,
    messaging: new MessageTracing({ tracer }),
    shutdown: () => {
      untracePrisma();
      return provider.shutdown();
    },
  };
}
