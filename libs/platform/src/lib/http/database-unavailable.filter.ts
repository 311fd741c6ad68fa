import { Catch, HttpStatus, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** Seconds a client should wait before trying again when the database is busy or away. */
export const RETRY_AFTER_SECONDS = 2;

/** The pg driver adapter's kinds of error that say the server cannot be reached now. */
const UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/**
 * SQLSTATE classes that mean "not now" rather than "not this": 08 connection exception, 53
 * insufficient resources (too many connections), 57P0x an operator or a crash stopping the
 * server (admin shutdown, cannot connect now while it starts).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0)/;

/**
 * Why an error means "the database cannot take this request now" rather than "this request is
 * wrong", or undefined: Prisma's P2028 (a transaction could not start in time: every connection
 * busy, i.e. overload) and P1001/P1002/P1017 (server unreachable, timed out, gone), the pg
 * driver adapter's error kinds and SQLSTATEs for the same (its `cause`, or the error itself when
 * it comes from pg directly: a service's plain-SQL paths), and pg's own words for a pool timeout,
 * a refused or cut connection and a database that is not accepting connections.
 */
export function databaseUnavailableReason(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === 'P2028' || /Unable to start a transaction in the given time/i.test(text)) {
    return 'the database is busy (every connection in use)';
  }
  const driver = (typeof cause === 'object' && cause !== null ? cause : {}) as {
    kind?: unknown;
    code?: unknown;
  };
  if (
    code === 'P1001' ||
    code === 'P1002' ||
    code === 'P1017' ||
    UNREACHABLE_KINDS.has(String(driver.kind)) ||
    UNAVAILABLE_SQLSTATE.test(String(driver.code ?? '')) ||
    UNAVAILABLE_SQLSTATE.test(typeof code === 'string' ? code : '') ||
    /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|not currently accepting connections|the database system is (starting up|shutting down)/i.test(
      text,
    )
  ) {
    return 'the database is unavailable';
  }
  return undefined;
}

/**
 * Overload and a database restart are not a server bug: the client gets 503 with Retry-After
 * (and load balancers back off) instead of a 500. Everything else goes to Nest's own handling.
 * Global filters also see message handlers' errors (they run in Nest's pipeline): those are
 * passed on untouched, for the messaging library's recoverability to retry or dead-letter.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const reason = databaseUnavailableReason(error);
    if (!reason) return super.catch(error, host);
    const response = host.switchToHttp().getResponse<{
      setHeader(name: string, value: string): void;
      status(code: number): { json(body: unknown): void };
    }>();
    response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(HttpStatus.SERVICE_UNAVAILABLE).json({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: `${reason}; try again in ${RETRY_AFTER_SECONDS} s`,
    });
  }
}
