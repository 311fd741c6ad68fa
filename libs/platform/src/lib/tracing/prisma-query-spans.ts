import type { TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
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
