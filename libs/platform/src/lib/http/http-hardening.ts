import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

/** The largest JSON body a service reads: a cart's checkout is under 1 kB. */
export const MAX_BODY = '64kb';

/**
 * What users of a public HTTP API expect before anything else runs: the security headers helmet
 * sets (no MIME sniffing, no framing, a strict referrer policy, a content security policy that
 * still lets /docs and /asyncapi render), no `X-Powered-By`, and JSON bodies limited to
 * MAX_BODY: a larger one is a 413 saying so, read no further. Registered before the
 * application's init, so its parser replaces Nest's default one.
 */
export function hardenHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.use(helmet());
  express.disable('x-powered-by');
  express.useBodyParser('json', { limit: MAX_BODY });
  express.useBodyParser('urlencoded', { limit: MAX_BODY, extended: false });
}
