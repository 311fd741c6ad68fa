import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { serviceSampler } from '../lib/tracing/service-sampler';

/** A tracer provider with the service's sampler, its finished spans kept. */
function sampledBy(ratio?: number) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: serviceSampler(ratio),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { exporter, provider, tracer: provider.getTracer('test') };
}

describe('a service’s sampler', () => {
  // As a service runs: the active span carried across calls, so children find their parent.
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it('lets no Prisma span begin a trace, and drops its children with it', async () => {
    const { exporter, provider, tracer } = sampledBy();
    tracer.startActiveSpan('prisma:client:operation', (operation) => {
      expect(operation.isRecording()).toBe(false);
      tracer.startSpan('prisma:client:db_query').end();
      operation.end();
    });
    expect(exporter.getFinishedSpans()).toEqual([]);
    await provider.shutdown();
  });

  it('records Prisma’s spans inside a trace, and every other span that begins one', async () => {
    const { exporter, provider, tracer } = sampledBy();
    tracer.startActiveSpan('GET /orders/:id', (request) => {
      tracer.startActiveSpan('prisma:client:operation', (operation) => {
        tracer.startSpan('prisma:client:db_query').end();
        operation.end();
      });
      request.end();
    });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([
      'prisma:client:db_query',
      'prisma:client:operation',
      'GET /orders/:id',
    ]);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
    await provider.shutdown();
  });

  it('records the given share of the traces it begins, each whole or not at all', async () => {
    const { exporter, provider, tracer } = sampledBy(0.25);
    const traces = 2000;
    for (let n = 0; n < traces; n += 1) {
      tracer.startActiveSpan('POST /carts/:id/checkout', (request) => {
        tracer.startSpan('publish cart.checked-out').end();
        request.end();
      });
    }
    const spans = exporter.getFinishedSpans();
    const recorded = new Map<string, number>();
    for (const span of spans) {
      const id = span.spanContext().traceId;
      recorded.set(id, (recorded.get(id) ?? 0) + 1);
    }
    // Decided by trace id (random): 25% of 2000 is 500, and 430..570 holds it beyond 4 sigma.
    expect(recorded.size).toBeGreaterThan(430);
    expect(recorded.size).toBeLessThan(570);
    expect([...recorded.values()].every((count) => count === 2)).toBe(true);
    await provider.shutdown();
  });
});
