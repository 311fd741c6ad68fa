import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { MessagingError, NonRetryableError } from '@shopbus/messaging-core';

/** What Nest says when a guard returns false. */
const FORBIDDEN_MESSAGE = 'Forbidden resource';
/** What Nest's default RPC exception filter puts in place of any error it does not know. */
const NEST_HIDDEN_ERROR = 'Internal server error';

/**
 * Translates what comes out of Nest's pipeline into the library's vocabulary, so that the
 * recoverability policy can decide between retrying and dead-lettering.
 *
 * Nest's own exceptions are deliberate answers, not accidents: a guard's refusal, a pipe's
 * rejection (`BadRequestException`), an `RpcException` a handler throws. Trying again gives the
 * same answer, so a 4xx `HttpException` and an `RpcException` become a `NonRetryableError` with
 * their message: the message goes to the dead-letter queue at once, its reason in the headers.
 * A guard that only says no is named as such. Everything else passes unchanged (a library error
 * keeps its own `retryable`; an unknown error is retried).
 *
 * Behind `@EventPattern`, Nest's RPC exception filter turns errors into plain objects
 * (`{ status: 'error', message }`) and replaces every error it does not know by "Internal server
 * error"; `MessageErrorsFilter` keeps them intact. Without it the fault says what was lost.
 */
export function messagingErrorOf(error: unknown): unknown {
  if (error instanceof MessagingError) return error;
  if (error instanceof HttpException) {
    return error.getStatus() < 500 ? refusal(error.message, error) : error;
  }
  if (error instanceof RpcException) return refusal(messageOf(error.getError()), error);
  if (isNestErrorObject(error)) {
    if (error.message === NEST_HIDDEN_ERROR) {
      return new Error(
        "The handler failed, and Nest's default RPC exception filter hid its error: " +
          'register MessageErrorsFilter to keep it',
      );
    }
    return refusal(error.message, error);
  }
  return error;
}

function refusal(message: string, cause: unknown): NonRetryableError {
  const reason =
    message === FORBIDDEN_MESSAGE ? `A guard refused the message (${message})` : message;
  return new NonRetryableError(reason, { cause });
}

function messageOf(error: string | object): string {
  if (typeof error === 'string') return error;
  return isNestErrorObject(error) ? error.message : JSON.stringify(error);
}

function isNestErrorObject(value: unknown): value is { status: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { status?: unknown }).status === 'error' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
