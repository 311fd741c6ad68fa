import { SetMetadata } from '@nestjs/common';
import type { AnyContract } from '@shopbus/messaging-core';

export const MESSAGE_HANDLER = Symbol('shopbus:message-handler');

export interface MessageHandlerOptions {
  /** The queue to consume; handlers naming the same queue share it. Default `<service>.<type>`. */
  queue?: string;
  /** Most messages of this queue handled at once. Default: the module's defaultPrefetch. */
  prefetch?: number;
}

export interface MessageHandlerMetadata extends MessageHandlerOptions {
  contract: AnyContract;
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
