import type {
  DeadLetteredMessage,
  DeadLetterListing,
  DeadLetterOperations,
  ReplayOptions,
  ReplayResult,
} from '@shopbus/messaging-core';
import type { InMemoryBroker } from './in-memory-broker';
import type { InMemoryQueue } from './in-memory-queue';
import type { DeadLetter } from './stored-message';

/** The dead-letter queues of an in-memory broker, with the same operations as RabbitMQ's. */
export class InMemoryDeadLetters implements DeadLetterOperations {
  constructor(private readonly broker: InMemoryBroker) {}

  async list(queue: string, options: { limit?: number } = {}): Promise<DeadLetterListing> {
    const { deadLetters } = this.queue(queue);
    return {
      total: deadLetters.length,
      messages: deadLetters.slice(0, options.limit ?? 100).map(describe),
    };
  }

  /**
   * Back on the endpoint's queue alone, at its tail, with redeliveries reset and the replay
   * counted in `replay-count` (and `replayed-at`), as the RabbitMQ adapter does.
   */
  async replay(queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
    const endpoint = this.queue(queue);
    const taken = endpoint.takeDeadLetters(options.messageIds && new Set(options.messageIds));
    for (const { message } of taken) {
      const replayCount = message.replayCount + 1;
      const headers = {
        ...message.metadata.headers,
        'replay-count': replayCount,
        'replayed-at': new Date().toISOString(),
      };
      endpoint.enqueue({
        ...message,
        metadata: { ...message.metadata, headers },
        redelivered: false,
        redeliveryCount: 0,
        replayCount,
      });
    }
    return {
      replayed: taken.map(({ message }) => message.metadata.messageId),
      remaining: endpoint.deadLetters.length,
    };
  }

  async purge(queue: string): Promise<number> {
    return this.queue(queue).takeDeadLetters().length;
  }

  private queue(name: string): InMemoryQueue {
    const queue = this.broker.queue(name);
    if (!queue) throw new Error(`There is no queue "${name}" on the broker`);
    return queue;
  }
}

function describe({ message, fault, brokerReason }: DeadLetter): DeadLetteredMessage {
  const { metadata } = message;
  return {
    messageId: metadata.messageId,
    messageType: metadata.messageType,
    correlationId: metadata.correlationId,
    reason: fault?.errorMessage ?? `dead-lettered by the broker: ${brokerReason ?? 'unknown'}`,
    errorType: fault?.errorType,
    attempts: fault?.attempts,
    failedAt: fault?.failedAt,
    service: fault?.service,
    originalExchange: message.originalRoute.exchange,
    originalRoutingKey: message.originalRoute.routingKey,
    replayCount: message.replayCount,
    body: message.body.toString('utf8'),
  };
}
