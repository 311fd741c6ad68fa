import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Runs a statement inside a CLIENT span when it is issued while a traced request or message is
 * being handled (a recording span is active), so that the handler's SQL appears in the trace
 * under it: named after the statement's first keyword (INSERT, SELECT, WITH, …), with the
 * statement as written (`db.query.text`: its placeholders, never its values). Anything else
 * (no tracing, or a statement outside any trace: the relay's polling, housekeeping) runs as it
 * is, without a span.
 *
 * The span comes from the global tracer provider, which a service's tracing registers
 * (startServiceTracing): statements know nothing of the service they run for.
 */
export function inStatementSpan<T>(text: string, run: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()?.isRecording()) return run();
  const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return trace.getTracer('shopbus').startActiveSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.query.text': text,
      },
    },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
