import { MessagingError } from '@shopbus/messaging-core';

/**
 * The broker already has a queue or exchange of this name with other settings (RabbitMQ's
 * PRECONDITION_FAILED). Retrying cannot help, so start-up fails at once with the broker's own
 * explanation, which names the differing argument; delete the old declaration or migrate it.
 */
export class TopologyMismatchError extends MessagingError {
  readonly retryable = false;
  constructor(
    readonly kind: 'queue' | 'exchange',
    readonly declaration: string,
    brokerMessage: string,
  ) {
    super(
      `The ${kind} "${declaration}" already exists on the broker with different settings: ${brokerMessage}. ` +
        `Delete it (or migrate its messages) so that it can be declared again.`,
    );
  }
}
