/**
 * The little logging the library does, behind an interface so that each service plugs in its own
 * logger (pino through Nest in the services). Context objects are structured fields, never
 * interpolated into the message, so log processors can index them.
 */
export interface MessagingLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Writes one JSON line per entry to stdout/stderr; debug is dropped. */
export const consoleLogger: MessagingLogger = {
  debug: () => undefined,
  info: (message, context) => console.log(JSON.stringify({ level: 'info', message, ...context })),
  warn: (message, context) => console.warn(JSON.stringify({ level: 'warn', message, ...context })),
  error: (message, context) =>
    console.error(JSON.stringify({ level: 'error', message, ...context })),
};

/** For tests and benchmarks that want quiet. */
export const silentLogger: MessagingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
