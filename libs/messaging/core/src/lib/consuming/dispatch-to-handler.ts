import { validatePayload } from '../contracts/validate-payload';
import { runInMessageScope } from '../envelope/message-scope';
import { MalformedMessageError, UnknownMessageTypeError } from '../errors';
import { decodeBody } from '../serialization/json-body';
import type { ConsumeContext } from './consume-context';
import type { FallbackHandler, HandlerRegistration, MessageContext } from './message-handler';
import { queryFault, queryResponse } from './query-reply';

/**
 * The end of every consume pipeline: finds the handler for the message type, decodes and
 * validates the body against the contract, runs the handler with the message as the current
 * scope (so what it publishes is caused by this message), and answers a query.
 *
 * An unknown type, bad JSON, a schema violation, a delivery the transport could not read, or a
 * message without an id throws a non-retryable error before any handler runs: such a message can
 * never succeed and is for the dead-letter policy. (Without an id a message cannot be told from
 * another one in an inbox: handled, two such messages would be taken for one.)
 */
export function dispatchToHandler(
  handlers: readonly HandlerRegistration[],
  source: string,
  fallback?: FallbackHandler,
): (context: ConsumeContext) => Promise<void> {
  const byType = new Map<string, HandlerRegistration>();
  for (const registration of handlers) {
    if (byType.has(registration.contract.type)) {
      throw new Error(`Two handlers for "${registration.contract.type}" on one endpoint`);
    }
    byType.set(registration.contract.type, registration);
  }

  return async (context) => {
    const { metadata, body, reply, malformed } = context.message;
    if (malformed) throw new MalformedMessageError(malformed);
    if (!metadata.messageId) {
      throw new MalformedMessageError(
        'The message has no message id, so it cannot be deduplicated',
      );
    }
    const contextOf = <P>(payload: P): MessageContext<P> => ({
      envelope: { ...metadata, payload },
      redelivered: context.message.redelivered,
      endpoint: context.endpoint,
      transaction: context.transaction,
    });
    const registration = byType.get(metadata.messageType);
    if (!registration && fallback) {
      const payload = decodeBody(body);
      await runInMessageScope(metadata, () => fallback(payload, contextOf(payload)));
      return;
    }
    if (!registration) throw new UnknownMessageTypeError(metadata.messageType, context.endpoint);
    const { contract, handle } = registration;
    const invoke = () => {
      const payload = validatePayload(contract.type, contract.schema, decodeBody(body));
      return runInMessageScope(metadata, () => handle(payload, contextOf(payload)));
    };

    if (contract.kind !== 'query' || !reply) {
      await invoke();
      return;
    }
    // A requester is waiting: whatever goes wrong, a request that cannot be answered (its body
    // does not parse or breaks the schema) or whose handler failed gets an error reply at once,
    // not a timeout.
    let answer;
    try {
      answer = queryResponse(contract, await invoke(), metadata, source);
    } catch (error) {
      answer = queryFault(contract.type, error, metadata, source);
    }
    await reply(answer);
  };
}
