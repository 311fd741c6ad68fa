/**
 * The failures the messaging library names. A transport adapter throws these, never its own
 * driver errors, so application code handles one vocabulary whatever the broker.
 *
 * `retryable` tells the recoverability policies whether trying again can help: a message that
 * does not parse or does not match its schema will fail the same way every time.
 */
export abstract class MessagingError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A payload does not match its contract's schema (outgoing or incoming). */
export class MessageValidationError extends MessagingError {
  readonly retryable = false;
  constructor(
    readonly messageType: string,
    readonly issues: string[],
  ) {
    super(`Message "${messageType}" is invalid: ${issues.join('; ')}`);
  }
}

/** The body of an incoming message is not the JSON it claims to be. */
export class MalformedMessageError extends MessagingError {
  readonly retryable = false;
}

/** An incoming message whose type no handler on this endpoint subscribes to. */
export class UnknownMessageTypeError extends MessagingError {
  readonly retryable = false;
  constructor(
    readonly messageType: string,
    readonly endpoint: string,
  ) {
    super(`No handler on endpoint "${endpoint}" for message type "${messageType || '(none)'}"`);
  }
}

/** Thrown by a handler to say that retrying cannot succeed (e.g. a business rule refused it). */
export class NonRetryableError extends MessagingError {
  readonly retryable = false;
}

/** The broker accepted the connection but had nowhere to route the message. */
export class UnroutableMessageError extends MessagingError {
  readonly retryable = true;
  constructor(
    readonly messageType: string,
    readonly destination: string,
    reason: string,
  ) {
    super(`Message "${messageType}" to ${destination} was not routed to any queue (${reason})`);
  }
}

/** The broker refused to take responsibility for a message (negative confirm). */
export class PublishRejectedError extends MessagingError {
  readonly retryable = true;
}

/**
 * A message the transport cannot put on the wire at all (a routing key over 255 bytes, a
 * property or header its protocol cannot encode): sending it again cannot help.
 */
export class UnpublishableMessageError extends MessagingError {
  readonly retryable = false;
}

/** A publish was attempted while the transport is not connected; nothing was sent. */
export class TransportDisconnectedError extends MessagingError {
  readonly retryable = true;
}

/** No reply arrived within the request's timeout. */
export class RequestTimeoutError extends MessagingError {
  readonly retryable = true;
  constructor(
    readonly messageType: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to "${messageType}" within ${timeoutMs} ms: is a responder running?`);
  }
}

/** The responder's handler failed; the requester gets its message instead of a timeout. */
export class RemoteHandlerError extends MessagingError {
  readonly retryable = false;
}

export function isRetryable(error: unknown): boolean {
  return !(error instanceof MessagingError) || error.retryable;
}
