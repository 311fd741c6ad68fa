import { SetMetadata } from '@nestjs/common';
import type { AnyContract, EndpointDefinition } from '@shopbus/messaging-core';

export const MESSAGE_HANDLER = Symbol('shopbus:message-handler');

/**
 * The endpoint a handler consumes: best an endpoint value from the service's
 * `<service>.endpoints.ts` (see `defineEndpoint`), shared by every handler of its queue. Without
 * a queue, the handler gets one of its own, `<service>.<type>`, with the settings given here.
 */
export type MessageHandlerOptions = Partial<EndpointDefinition>;

export interface MessageHandlerMetadata extends MessageHandlerOptions {
  /** Absent for a fallback handler: it takes every type the queue has no handler for. */
  contract?: AnyContract;
}

/**
 * Marks a provider method as the handler of one message type on an endpoint. The method receives
 * the validated payload and a MessageContext (on an idempotent endpoint, with the transaction its
 * writes go in); for a query it returns the response. The module finds every such method at
 * start-up (no registration by hand) and consumes its queue; the method runs inside Nest's
 * pipeline (guards, interceptors, pipes, filters).
 *
 *     @MessageHandler(OrderPlaced, orderEndpoints.fulfilment)
 *     async handle(event: PayloadOf<typeof OrderPlaced>, context: MessageContext) { ... }
 */
export const MessageHandler = (contract: AnyContract, options: MessageHandlerOptions = {}) =>
  SetMetadata<symbol, MessageHandlerMetadata>(MESSAGE_HANDLER, { contract, ...options });

/**
 * Marks a provider method as the queue's fallback: it receives every message the queue has no
 * typed handler for, payload decoded but not validated. For pattern and fanout subscriptions,
 * where new message types appear without this service knowing their contracts (an audit log).
 *
 *     @FallbackMessageHandler(notificationEndpoints.audit)
 *     async record(payload: unknown, { envelope }: MessageContext) { ... }
 */
export const FallbackMessageHandler = (options: EndpointDefinition) =>
  SetMetadata<symbol, MessageHandlerMetadata>(MESSAGE_HANDLER, options);
