import type { ConsumeMessage, Options } from 'amqplib';
import {
  JSON_CONTENT_TYPE,
  type MessageHeaders,
  type MessageMetadata,
} from '@shopbus/messaging-core';
import { FAULT_HEADERS } from './fault-headers';

/**
 * How envelope metadata maps onto AMQP: the standard properties where AMQP has one (so the
 * management UI and any other client show them), headers for the rest. The body is the payload
 * alone, so a message reads as plain JSON anywhere.
 */
export const ENVELOPE_HEADERS = {
  messageVersion: 'message-version',
  conversationId: 'conversation-id',
  causationId: 'causation-id',
  /** Millisecond-precise send time; the AMQP timestamp property has whole seconds only. */
  sentAt: 'sent-at',
} as const;

const RESERVED = new Set<string>(Object.values(ENVELOPE_HEADERS));

/**
 * Headers a handler never sees among the message's: the broker's own (`x-death` and the other
 * `x-` records of a dead-lettering) and the ones this library keeps for its redeliveries and
 * faults. They are transport bookkeeping, read from the delivery itself where needed (see
 * deliveryProvenance); a handler sees the application's headers as they were sent, and a
 * replayed message's `replay-count`.
 */
function isTransportHeader(name: string): boolean {
  return (
    name.startsWith('x-') || name.startsWith('fault-') || name === FAULT_HEADERS.redeliveryCount
  );
}

/**
 * `userId`: the publishing connection's user, which the broker checks (see brokerUserOf);
 * `mandatory`: the target's (see PublishTarget), set here so that the publisher can hand these
 * options to amqplib as they are (see ConfirmedPublisher.publish).
 */
export function toPublishOptions(
  metadata: MessageMetadata,
  { userId, mandatory = false }: { userId?: string; mandatory?: boolean } = {},
): Options.Publish {
  const headers: Record<string, unknown> = { ...metadata.headers };
  headers[ENVELOPE_HEADERS.messageVersion] = metadata.messageVersion;
  headers[ENVELOPE_HEADERS.conversationId] = metadata.conversationId;
  headers[ENVELOPE_HEADERS.sentAt] = metadata.sentAt;
  if (metadata.causationId) headers[ENVELOPE_HEADERS.causationId] = metadata.causationId;
  return {
    messageId: metadata.messageId,
    correlationId: metadata.correlationId,
    type: metadata.messageType,
    appId: metadata.source,
    timestamp: Math.floor(Date.parse(metadata.sentAt) / 1000),
    contentType: JSON_CONTENT_TYPE,
    persistent: true,
    userId,
    headers,
    mandatory,
  };
}

/**
 * Reads metadata back from a delivery. Total: it never throws, whatever a sender put in the
 * properties. Missing fields (a message from a foreign client) become empty strings, and values
 * it cannot represent are left out (see `deliveryProblems`, which names them so that the consume
 * pipeline dead-letters such a message instead of handling it).
 */
export function fromDelivery(message: ConsumeMessage): MessageMetadata {
  const { properties } = message;
  const raw = (properties.headers ?? {}) as Record<string, unknown>;
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(raw)) {
    if (RESERVED.has(name) || isTransportHeader(name)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      headers[name] = value;
    } else if (value !== undefined && value !== null) {
      headers[name] = JSON.stringify(value);
    }
  }
  const messageId = stringOf(properties.messageId);
  const sentAt = sentAtOf(raw) ?? new Date(timestampMsOf(properties) ?? Date.now()).toISOString();
  return {
    messageId,
    messageType: stringOf(properties.type),
    messageVersion: versionOf(raw) ?? 1,
    correlationId: stringOf(properties.correlationId) || messageId,
    conversationId: stringOf(raw[ENVELOPE_HEADERS.conversationId]) || messageId,
    causationId: stringOf(raw[ENVELOPE_HEADERS.causationId]) || undefined,
    sentAt,
    source: stringOf(properties.appId),
    headers,
  };
}

/**
 * What in a delivery's properties and envelope headers cannot be read as what it claims to be,
 * or undefined when all can. Absent values are no problem (a foreign client may omit them).
 */
export function deliveryProblems(message: ConsumeMessage): string | undefined {
  const { properties } = message;
  const raw = (properties.headers ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (properties.timestamp !== undefined && timestampMsOf(properties) === undefined) {
    problems.push(
      `the timestamp property ${String(properties.timestamp)} is not a representable time`,
    );
  }
  if (raw[ENVELOPE_HEADERS.sentAt] !== undefined && sentAtOf(raw) === undefined) {
    problems.push(`the ${ENVELOPE_HEADERS.sentAt} header is not an ISO 8601 time`);
  }
  if (raw[ENVELOPE_HEADERS.messageVersion] !== undefined && versionOf(raw) === undefined) {
    problems.push(`the ${ENVELOPE_HEADERS.messageVersion} header is not a whole number from 1`);
  }
  return problems.length > 0 ? `Unreadable delivery: ${problems.join('; ')}` : undefined;
}

/** JavaScript dates reach ±8.64e15 ms; AMQP timestamps are seconds of any 64-bit size. */
const MAX_DATE_MS = 8.64e15;

function timestampMsOf(properties: ConsumeMessage['properties']): number | undefined {
  const seconds = properties.timestamp;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  return Math.abs(seconds * 1000) <= MAX_DATE_MS ? seconds * 1000 : undefined;
}

function sentAtOf(raw: Record<string, unknown>): string | undefined {
  const value = stringOf(raw[ENVELOPE_HEADERS.sentAt]);
  return value && !Number.isNaN(Date.parse(value)) && value.length <= 40 ? value : undefined;
}

function versionOf(raw: Record<string, unknown>): number | undefined {
  const value = Number(raw[ENVELOPE_HEADERS.messageVersion]);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return value === undefined || value === null ? '' : String(value);
}
