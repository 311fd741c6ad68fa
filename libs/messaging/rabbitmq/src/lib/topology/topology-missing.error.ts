import { MessagingError } from '@shopbus/messaging-core';

/**
 * A transport that verifies its topology (`topologyMode: 'verify'`) found exchanges or queues
 * missing. It may not declare them itself, so retrying cannot help: start-up fails at once
 * with every missing name, for the administrator to declare.
 */
export class TopologyMissingError extends MessagingError {
  readonly retryable = false;
  constructor(
    readonly missingExchanges: readonly string[],
    readonly missingQueues: readonly string[],
  ) {
    super(
      'The broker lacks part of the topology this service uses and it may not declare it ' +
        '(topology mode "verify"): ' +
        [
          missingExchanges.length && `exchanges ${missingExchanges.join(', ')}`,
          missingQueues.length && `queues ${missingQueues.join(', ')}`,
        ]
          .filter(Boolean)
          .join('; ') +
        '. Declare it with an administrator (topology mode "declare-only") first.',
    );
  }
}
