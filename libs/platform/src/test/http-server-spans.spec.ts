import express from 'express';
import request from 'supertest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { MessageTracing } from '@shopbus/messaging-core';
import { RecordedSpans, until } from '@shopbus/testing';
import { httpServerSpans } from '../lib/tracing/http-server-spans';

/** The span every request of a tracing service gets, and the trace its answer names. */
describe('HTTP server spans', () => {
  const recorded = new RecordedSpans();
  const app = express();
  app.use(httpServerSpans(new MessageTracing({ tracer: recorded.tracer })));
  app.get('/things/:id', (_request, response) => {
    response.json({ ok: true });
  });
  app.get('/broken', () => {
    throw new Error('the handler fails');
  });
  afterAll(() => recorded.close());
  beforeEach(() => recorded.reset());

  const ended = async (count: number) => {
    await until(() => recorded.finished.length === count, `${count} spans ended`);
    return recorded.finished;
  };

  it('names the span after the route, records the status, and names the trace in traceresponse', async () => {
    const answer = await request(app).get('/things/42').expect(200);

    const [span] = await ended(1);
    expect(span).toMatchObject({ name: 'GET /things/:id', kind: SpanKind.SERVER });
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/things/:id',
      'url.path': '/things/42',
      'http.response.status_code': 200,
    });
    const { traceId, spanId } = span.spanContext();
    expect(answer.headers['traceresponse']).toBe(`00-${traceId}-${spanId}-01`);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('continues a caller’s trace, and starts its own when the traceparent is forged or unreadable', async () => {
    const callerTrace = 'a'.repeat(32);
    await request(app)
      .get('/things/1')
      .set('traceparent', `00-${callerTrace}-${'b'.repeat(16)}-01`)
      .expect(200);
    for (const forged of [
      'nonsense',
      `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`,
      'x'.repeat(5000),
    ]) {
      await request(app).get('/things/2').set('traceparent', forged).expect(200);
    }

    const [continued, ...own] = await ended(4);
    expect(continued.spanContext().traceId).toBe(callerTrace);
    expect(continued.parentSpanContext?.spanId).toBe('b'.repeat(16));
    for (const span of own) {
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe(callerTrace);
    }
  });

  it('marks a request that failed with 500 as an error, and one for no route with its status', async () => {
    await request(app).get('/broken').expect(500);
    await request(app).get('/nowhere').expect(404);

    const [failed, missing] = await ended(2);
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['http.response.status_code']).toBe(500);
    expect(missing).toMatchObject({ name: 'GET' });
    expect(missing.attributes['http.response.status_code']).toBe(404);
    expect(missing.status.code).toBe(SpanStatusCode.UNSET);
  });
});
