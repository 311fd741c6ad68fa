import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type Sampler,
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
  private readonly provider: BasicTracerProvider;
  private readonly contextManager = new AsyncLocalStorageContextManager();
  readonly tracing: MessageTracing;

  /** @param sampler which spans are recorded; default all (the SDK's parent-based always-on). */
  constructor({ sampler }: { sampler?: Sampler } = {}) {
    this.provider = new BasicTracerProvider({
      sampler,
      spanProcessors: [new BatchSpanProcessor(droppingExporter)],
    });
    this.tracing = new MessageTracing({ tracer: this.provider.getTracer('bench') });
  }

  /**
   * Makes this the process's global tracer provider too, for code that takes its tracer from the
   * global API (a PgDatabase's statement spans).
   */
  registerGlobally(): this {
    trace.setGlobalTracerProvider(this.provider);
    return this;
  }

  /** Runs `work` inside an active span of this provider (while `measure` runs: a recording one). */
  inSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.provider.getTracer('bench').startActiveSpan(name, async (span) => {
      try {
        return await work();
      } finally {
        span.end();
      }
    });
  }

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
