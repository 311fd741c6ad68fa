import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

/**
 * A service's sampler. A span inside a trace follows its parent's decision, made where the trace
 * began (the W3C `sampled` flag travels with the context, through the broker too), so a trace is
 * recorded whole in every service or not at all. A span that would begin a trace is recorded with
 * probability `ratio` (`OTEL_TRACES_SAMPLER=parentbased_traceidratio`, `OTEL_TRACES_SAMPLER_ARG`;
 * default 1: every trace), decided by its trace id; a Prisma span never begins one, so a query
 * outside any request or message (a readiness probe, a timer) starts no trace, as a PgDatabase
 * statement does not (inStatementSpan).
 */
export function serviceSampler(ratio = 1): Sampler {
  const roots = ratio < 1 ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  return new ParentBasedSampler({ root: new NoPrismaRoots(roots) });
}

class NoPrismaRoots implements Sampler {
  constructor(private readonly others: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (spanName.startsWith('prisma:')) return { decision: SamplingDecision.NOT_RECORD };
    return this.others.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `NoPrismaRoots{${this.others.toString()}}`;
  }
}
