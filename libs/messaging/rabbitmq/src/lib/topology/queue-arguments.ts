import type { Options } from 'amqplib';
import type { QueueDeclaration } from './topology';

/** Translates a queue declaration into the `x-` arguments RabbitMQ expects. */
export function queueAssertOptions(queue: QueueDeclaration): Options.AssertQueue {
  const kind = queue.kind ?? 'classic';
  const args: Record<string, unknown> = { 'x-queue-type': kind };
  if (queue.deadLetterExchange !== undefined)
    args['x-dead-letter-exchange'] = queue.deadLetterExchange;
  if (queue.deadLetterRoutingKey !== undefined) {
    args['x-dead-letter-routing-key'] = queue.deadLetterRoutingKey;
  }
  if (queue.messageTtlMs !== undefined) args['x-message-ttl'] = queue.messageTtlMs;
  if (queue.expiresMs !== undefined) args['x-expires'] = queue.expiresMs;
  if (kind === 'quorum' && queue.deadLetterExchange !== undefined) {
    const strategy = queue.deadLetterStrategy ?? 'at-least-once';
    args['x-dead-letter-strategy'] = strategy;
    // At-least-once dead-lettering needs it: a full queue refuses publishes instead of dropping
    // its oldest messages (no length limit is set, so only a broker alarm or a limit set by
    // policy makes it refuse, and publishers then get a nack).
    if (strategy === 'at-least-once') args['x-overflow'] = 'reject-publish';
  }
  if (queue.deliveryLimit !== undefined) {
    if (kind !== 'quorum')
      throw new Error(`Queue "${queue.name}": deliveryLimit needs a quorum queue`);
    args['x-delivery-limit'] = queue.deliveryLimit;
  }
  return { durable: kind === 'quorum' ? true : (queue.durable ?? true), arguments: args };
}
