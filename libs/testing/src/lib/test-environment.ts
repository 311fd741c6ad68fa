import { randomBytes } from 'node:crypto';

/** The broker the tests use: set by CI or by global-setup (testcontainers). */
export function rabbitmqUrl(): string {
  const url = process.env.RABBITMQ_URL;
  if (!url)
    throw new Error(
      'RABBITMQ_URL is not set: run the tests through Jest (its globalSetup sets it)',
    );
  return url;
}

/**
 * A name no other test run uses, so runs on a shared broker never see each other's messages:
 * `uniqueName('orders')` → `test.orders.k3j9x2`.
 */
export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomBytes(4).toString('hex')}`;
}

/** The three exchanges a RabbitMQ transport works with, named for this test run only. */
export function uniqueExchanges() {
  return {
    eventsExchange: uniqueName('events'),
    commandsExchange: uniqueName('commands'),
    deadLetterExchange: uniqueName('dead-letter'),
  };
}
