import type { Context, TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import {
  ParentBasedSampler,
  SamplingDecision,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { PrismaInstrumentation } from '@prisma/instrumentation';

/**
 * Puts the Prisma client's work in the service's traces: per call a `prisma:client:operation`
 * span (model and method), under it the query's compilation (`prisma:client:compile`, the client
 * engine's cost) and each SQL statement it ran (`prisma:client:db_query`, with `db.query.text`:
 * placeholders, never values). Prisma's own instrumentation, fed the service's tracer provider;
 * the serialization span of every result is left out as noise. Returns the unregistration.
 */
export function tracePrismaQueries(tracerProvider: TracerProvider): () => void {
  return registerInstrumentations({
    tracerProvider,
    instrumentations: [new PrismaInstrumentation({ ignoreSpanTypes: ['prisma:client:serialize'] })],
  });
}

/**
 * A service's sampler: every span of a trace that is sampled; of the spans that would start a
 * trace, all but Prisma's. A query run outside any request or message (a readiness probe, a
 * timer) starts no trace of its own, as a PgDatabase statement does not (inStatementSpan).
 */
export function sampleWithinTraces(): Sampler {
  return new ParentBasedSampler({ root: new NoPrismaRoots() });
}

class NoPrismaRoots implements Sampler {
  shouldSample(_context: Context, _traceId: string, spanName: string): SamplingResult {
    return {
      decision: spanName.startsWith('prisma:')
        ? SamplingDecision.NOT_RECORD
        : SamplingDecision.RECORD_AND_SAMPLED,
    };
  }

  toString(): string {
    return 'NoPrismaRoots';
  }
}
