import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { MessageTracing } from '@shopbus/messaging-core';

/** Takes every span and keeps none: what tracing costs up to the exporter's network. */
const droppingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

/**
 * Tracing for a benchmark's traced rows: a tracer provider batching every span to an exporter
 * that drops it, and the async context manager switched on only while `measure` runs, so that
 * the untraced rows of the same run pay nothing for it.
 */
export class BenchTracing {
  private readonly provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(droppingExporter)],
  });
  private readonly contextManager = new AsyncLocalStorageContextManager();
  readonly tracing = new MessageTracing({ tracer: this.provider.getTracer('bench') });

  async measure<T>(work: () => Promise<T>): Promise<T> {
    context.setGlobalContextManager(this.contextManager.enable());
    try {
      return await work();
    } finally {
      context.disable();
    }
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
