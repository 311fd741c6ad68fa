import { z } from 'zod';
import { defineEvent, type AnyContract, type EventContract } from '../contracts/message-contract';
import type { ConsumeContext } from '../consuming/consume-context';
import type { Fault } from './fault';

/**
 * What `<type>.faulted` carries: which message was given up, why, and its payload as it arrived
 * (decoded JSON, or the raw text when it was not JSON), so that a saga can compensate without
 * asking anyone. The dead-lettered message itself stays in `<queue>.dlq` for replay.
 */
export const faultEventSchema = z.object({
  faultedMessageId: z.string(),
  faultedMessageType: z.string(),
  /** The endpoint (queue) that gave the message up. */
  queue: z.string(),
  fault: z.object({
    errorMessage: z.string(),
    errorType: z.string(),
    attempts: z.number().int(),
    failedAt: z.string(),
    service: z.string(),
  }),
  message: z.unknown(),
});

export type FaultEventPayload = z.output<typeof faultEventSchema>;

const FAULTED = '.faulted';

/** The suffix is formatted here only: `create-shipment` faults as `create-shipment.faulted`. */
export function faultEventType(messageType: string): string {
  return `${messageType}${FAULTED}`;
}

export function isFaultEventType(messageType: string): boolean {
  return messageType.endsWith(FAULTED);
}

/**
 * A fault event copies the failed message's payload only up to this size: a poison message of
 * megabytes must not be multiplied by its own announcement. A larger one is described instead;
 * the message itself is whole in the dead-letter queue.
 */
export const FAULT_EVENT_MAX_COPIED_BYTES = 64 * 1024;

/**
 * The contract of the fault event for `contract`, for a saga to subscribe to:
 * `handlerFor(faulted(CreateShipment), ...)`.
 */
export function faulted(contract: AnyContract): EventContract<typeof faultEventSchema> {
  return defineEvent(faultEventType(contract.type), faultEventSchema);
}

/** The fault event's payload for a message about to be dead-lettered. */
export function faultEventPayload(fault: Fault, context: ConsumeContext): FaultEventPayload {
  const { metadata, body } = context.message;
  return {
    faultedMessageId: metadata.messageId,
    faultedMessageType: metadata.messageType,
    queue: context.endpoint,
    fault: {
      errorMessage: fault.errorMessage,
      errorType: fault.errorType,
      attempts: fault.attempts,
      failedAt: fault.failedAt,
      service: fault.service,
    },
    message:
      body.length > FAULT_EVENT_MAX_COPIED_BYTES
        ? { omitted: `a body of ${body.length} bytes, over ${FAULT_EVENT_MAX_COPIED_BYTES}` }
        : decodedOrText(body),
  };
}

function decodedOrText(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
