import { AsyncLocalStorage } from 'node:async_hooks';
import type { MessageMetadata } from './message-envelope';

/**
 * The message whose handler is running, tracked across awaits. A message published from inside
 * a handler (directly or several calls deep, e.g. in a domain service) finds its parent here and
 * inherits correlation and conversation ids, with causationId set to the parent's id, without
 * anyone passing a context object around.
 */
const scope = new AsyncLocalStorage<MessageMetadata>();

export function runInMessageScope<T>(message: MessageMetadata, work: () => Promise<T>): Promise<T> {
  return scope.run(message, work);
}

/** The message being handled in this async context, if any. */
export function currentMessage(): MessageMetadata | undefined {
  return scope.getStore();
}
