import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { sampleWithinTraces } from '../lib/tracing/prisma-query-spans';

describe('a service’s sampler: every span of a trace, no trace started by Prisma', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: sampleWithinTraces(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  // As a service runs: the active span carried across calls, so children find their parent.
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterEach(() => exporter.reset());
  afterAll(async () => {
    context.disable();
    await provider.shutdown();
  });

  it('drops a Prisma span that would start a trace, and its children with it', () => {
    tracer.startActiveSpan('prisma:client:operation', (operation) => {
      expect(operation.isRecording()).toBe(false);
      tracer.startSpan('prisma:client:db_query').end();
      operation.end();
    });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('records Prisma’s spans inside a trace, and every other span that starts one', () => {
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
  });
});
