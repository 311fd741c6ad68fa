import type { ConsumeMessage } from 'amqplib';
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
} as const;

/** Where the message was first published: kept from its first delivery through redeliveries. */
export function originalRoute(message: ConsumeMessage): { exchange: string; routingKey: string } {
  const headers = message.properties.headers ?? {};
  return {
    exchange: String(headers[FAULT_HEADERS.originalExchange] ?? message.fields.exchange),
    routingKey: String(headers[FAULT_HEADERS.originalRoutingKey] ?? message.fields.routingKey),
  };
}

export function redeliveryCountOf(message: ConsumeMessage): number {
  const count = Number(message.properties.headers?.[FAULT_HEADERS.redeliveryCount] ?? 0);
  return Number.isInteger(count) && count >= 0 ? count : 0;
}

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
