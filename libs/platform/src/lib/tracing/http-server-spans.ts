import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MessageHeaders, MessageTracing } from '@shopbus/messaging-core';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the middleware reads of an Express request: the router sets `route` once it matched. */
type RoutedRequest = IncomingMessage & {
  method: string;
  path: string;
  baseUrl: string;
  route?: { path?: string };
};

/**
 * Express middleware: a SERVER span per HTTP request (`POST /carts/:id/checkout`), the child of
 * a caller's `traceparent` if it sent one, and the active span while the request is handled, so
 * that the messages the request sends (through the bus or the outbox) continue its trace. The
 * answer names the trace in a `traceresponse` header. The caller's context is read as the
 * service's messages' is (MessageTracing.extract): one propagator, forged values ignored.
 */
export function httpServerSpans(tracing: MessageTracing) {
  return (request: RoutedRequest, response: ServerResponse, next: () => void): void => {
    const parent = tracing.extract(request.headers as MessageHeaders);
    const span = tracing.tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': request.path },
      },
      parent,
    );
    // The caller learns the request's trace (W3C Trace Context's `traceresponse`): the demo
    // prints it, an operator looks it up.
    const { traceId, spanId, traceFlags } = span.spanContext();
    const flags = traceFlags.toString(16).padStart(2, '0');
    response.setHeader('traceresponse', `00-${traceId}-${spanId}-${flags}`);
    // 'finish' when the answer went out; 'close' alone when the client went away first.
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      // The route is known once the router matched it, as the response goes out.
      const route = request.route?.path ? `${request.baseUrl}${request.route.path}` : undefined;
      if (route) {
        span.updateName(`${request.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500 || !response.writableFinished) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
