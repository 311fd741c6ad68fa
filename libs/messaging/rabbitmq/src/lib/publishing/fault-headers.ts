import type { Fault } from '@shopbus/messaging-core';

/**
 * Headers a dead-lettered message carries, and the one that counts delayed redeliveries. The
 * message keeps its properties (messageId, correlationId, type) unchanged through every attempt.
 */
export const FAULT_HEADERS = {
  redeliveryCount: 'redelivery-count',
  errorMessage: 'fault-message',
  errorType: 'fault-type',
  stack: 'fault-stack',
  attempts: 'fault-attempts',
  failedAt: 'fault-failed-at',
  service: 'fault-service',
  queue: 'fault-queue',
  originalExchange: 'fault-original-exchange',
  originalRoutingKey: 'fault-original-routing-key',
  /**
   * The broker user that first published a message, carried by the library's redelivery and
   * dead-letter copies (and operators' replays of them), which are republished by another user.
   */
  originalPublisher: 'fault-original-publisher',
} as const;

export function faultHeaders(fault: Fault, queue: string): Record<string, string | number> {
  return {
    [FAULT_HEADERS.errorMessage]: fault.errorMessage,
    [FAULT_HEADERS.errorType]: fault.errorType,
    [FAULT_HEADERS.stack]: fault.stack,
    [FAULT_HEADERS.attempts]: fault.attempts,
    [FAULT_HEADERS.failedAt]: fault.failedAt,
    [FAULT_HEADERS.service]: fault.service,
    [FAULT_HEADERS.queue]: queue,
  };
}
