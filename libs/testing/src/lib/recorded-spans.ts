import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';

/**
 * A tracer whose finished spans a test reads back, with the async context manager on (so that
 * a span started inside another is its child across awaits). `close` turns both off.
 */
export class RecordedSpans {
  private readonly exporter = new InMemorySpanExporter();
  private readonly provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.exporter)],
  });
  readonly tracer: Tracer = this.provider.getTracer('shopbus-test');

  constructor() {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }

  /** Every span that has ended so far, in the order they ended. */
  get finished(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  named(name: string): ReadableSpan[] {
    return this.finished.filter((span) => span.name === name);
  }

  /** The one ended span of that name; throws, listing what there is, when there is not one. */
  one(name: string): ReadableSpan {
    const found = this.named(name);
    if (found.length !== 1) {
      const names = this.finished.map((span) => span.name).join(', ');
      throw new Error(`expected one span "${name}", found ${found.length} among: ${names}`);
    }
    return found[0];
  }

  reset(): void {
    this.exporter.reset();
  }

  /**
   * Makes this the process's global tracer provider too, for code that takes its tracer from the
   * global API (a PgDatabase's statement spans); `close` unregisters it.
   */
  registerGlobally(): this {
    trace.setGlobalTracerProvider(this.provider);
    return this;
  }

  async close(): Promise<void> {
    await this.provider.shutdown();
    context.disable();
    trace.disable();
  }
}
