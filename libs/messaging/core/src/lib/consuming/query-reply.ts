import type { QueryContract } from '../contracts/message-contract';
import { validatePayload } from '../contracts/validate-payload';
import { createEnvelope, type MessageMetadata } from '../envelope/message-envelope';
import { toOutbound } from '../serialization/to-outbound';
import type { OutboundMessage } from '../ports/transport';

/** Header on a reply that carries a responder's failure instead of a response. */
export const REPLY_ERROR_HEADER = 'reply-error';

/**
 * Builds the reply to a query. Its causationId is the request's messageId: that is how the
 * requester matches a reply to its request.
 */
export function queryResponse(
  contract: QueryContract,
  result: unknown,
  request: MessageMetadata,
  source: string,
): OutboundMessage {
  const response = validatePayload(`${contract.type} response`, contract.responseSchema, result);
  return replyMessage(`${contract.type}.response`, response, request, source, {});
}

/**
 * Builds the reply that tells a requester its query failed. A query is answered at once or not
 * at all (the requester is waiting now), so it is never retried later: the error goes back.
 */
export function queryFault(
  messageType: string,
  error: unknown,
  request: MessageMetadata,
  source: string,
): OutboundMessage {
  const message = error instanceof Error ? error.message : String(error);
  return replyMessage(`${messageType}.fault`, null, request, source, {
    [REPLY_ERROR_HEADER]: message,
  });
}

function replyMessage(
  messageType: string,
  payload: unknown,
  request: MessageMetadata,
  source: string,
  headers: Record<string, string>,
): OutboundMessage {
  return toOutbound(createEnvelope({ messageType, payload, source, parent: request, headers }));
}
