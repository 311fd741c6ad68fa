import { Logger } from '@nestjs/common';
import type { MessagingLogger } from '@shopbus/messaging-core';

/** Routes the library's log lines into Nest's logger (and so into the service's pino). */
export function nestMessagingLogger(context = 'Messaging'): MessagingLogger {
  const logger = new Logger(context);
  return {
    debug: (message, fields) => logger.debug(fields ? { msg: message, ...fields } : message),
    info: (message, fields) => logger.log(fields ? { msg: message, ...fields } : message),
    warn: (message, fields) => logger.warn(fields ? { msg: message, ...fields } : message),
    error: (message, fields) => logger.error(fields ? { msg: message, ...fields } : message),
  };
}
