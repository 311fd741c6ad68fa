import { SetMetadata } from '@nestjs/common';
import type { AnyContract, EndpointBinding, PartitionKeyOf } from '@shopbus/messaging-core';

export const MESSAGE_HANDLER = Symbol('shopbus:message-handler');

export interface MessageHandlerOptions {
  /** The queue to consume; handlers naming the same queue share it. Default `<service>.<type>`. */
  queue?: string;
  /** Most messages of this queue handled at once. Default: the module's defaultPrefetch. */
  prefetch?: number;
  /**
   * Messages of this queue with the same key are handled one at a time, in order; the others
   * concurrently up to the prefetch (`byCorrelationId`: one conversation at a time).
   */
  partitionBy?: PartitionKeyOf;
  /** Further sources for the queue: event patterns, a fanout or headers exchange. */
  bindings?: readonly EndpointBinding[];
}

export interface MessageHandlerMetadata extends MessageHandlerOptions {
  /** Absent for a fallback handler: it takes every type the queue has no handler for. */
  contract?: AnyContract;
}

/**
 * Marks a provider method as the handler of one message type. The method receives the validated
 * payload and a MessageContext; for a query it returns the response. The module finds every
 * such method at start-up (no registration by hand) and consumes its queue.
 *
 *     @MessageHandler(OrderPlaced)
 *     async handle(event: PayloadOf<typeof OrderPlaced>) { ... }
 */
export const MessageHandler = (contract: AnyContract, options: MessageHandlerOptions = {}) =>
  SetMetadata<symbol, MessageHandlerMetadata>(MESSAGE_HANDLER, { contract, ...options });

/**
 * Marks a provider method as the queue's fallback: it receives every message the queue has no
 * typed handler for, payload decoded but not validated. For pattern and fanout subscriptions,
 * where new message types appear without this service knowing their contracts (an audit log).
 *
 *     @FallbackMessageHandler({ queue: 'notification.audit', bindings: [{ exchange: 'shop.audit' }] })
 *     async record(payload: unknown, { envelope }: MessageContext) { ... }
 */
export const FallbackMessageHandler = (options: MessageHandlerOptions & { queue: string }) =>
  SetMetadata<symbol, MessageHandlerMetadata>(MESSAGE_HANDLER, options);
