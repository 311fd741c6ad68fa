import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { currentMessage } from '@shopbus/messaging-core';
import type { ServiceConfig } from '../config/service-config';

/** Requests may carry the caller's correlation id; it then names the request in every log line. */
export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * JSON logs through pino: one line per HTTP request (health checks left out), and every line
 * written while a message is being handled carries that message's correlation id, id and type
 * (read from the library's message scope), so that one order's lines can be found across the
 * four services' logs by its correlation id.
 */
export function serviceLogger(config: ServiceConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      name: config.serviceName,
      level: config.logLevel,
      genReqId: (request: IncomingMessage) => {
        const given = request.headers[CORRELATION_HEADER];
        return typeof given === 'string' && given.length > 0 ? given : randomUUID();
      },
      customProps: (request: IncomingMessage & { id?: unknown }) => ({ correlationId: request.id }),
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' },
      mixin: messageLogContext,
    },
  });
}

/**
 * What every log line written while a message is handled carries: its correlation id, id and
 * type, read from the library's message scope; and, where the service traces, the active span's
 * `trace_id` and `span_id`, so that a line leads to its trace and a trace to its lines.
 */
export function messageLogContext(): Record<string, string> {
  const message = currentMessage();
  const span = trace.getActiveSpan()?.spanContext();
  return {
    ...(message && {
      correlationId: message.correlationId,
      messageId: message.messageId,
      messageType: message.messageType,
    }),
    ...(span && isSpanContextValid(span) && { trace_id: span.traceId, span_id: span.spanId }),
  };
}
