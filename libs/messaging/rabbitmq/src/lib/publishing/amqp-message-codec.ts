import type { ConsumeMessage, Options } from 'amqplib';
import {
  JSON_CONTENT_TYPE,
  type MessageHeaders,
  type MessageMetadata,
} from '@shopbus/messaging-core';

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

export function toPublishOptions(metadata: MessageMetadata): Options.Publish {
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
    headers,
  };
}

/**
 * Reads metadata back from a delivery. Missing fields (a message from a foreign client) become
 * empty strings rather than exceptions: the consume pipeline decides what an empty type means.
 */
export function fromDelivery(message: ConsumeMessage): MessageMetadata {
  const { properties } = message;
  const raw = (properties.headers ?? {}) as Record<string, unknown>;
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(raw)) {
    if (RESERVED.has(name)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      headers[name] = value;
    } else if (value !== undefined && value !== null) {
      headers[name] = JSON.stringify(value);
    }
  }
  const messageId = stringOf(properties.messageId);
  const timestamp =
    typeof properties.timestamp === 'number' ? properties.timestamp * 1000 : Date.now();
  return {
    messageId,
    messageType: stringOf(properties.type),
    messageVersion: Number(raw[ENVELOPE_HEADERS.messageVersion] ?? 1),
    correlationId: stringOf(properties.correlationId) || messageId,
    conversationId: stringOf(raw[ENVELOPE_HEADERS.conversationId]) || messageId,
    causationId: stringOf(raw[ENVELOPE_HEADERS.causationId]) || undefined,
    sentAt: stringOf(raw[ENVELOPE_HEADERS.sentAt]) || new Date(timestamp).toISOString(),
    source: stringOf(properties.appId),
    headers,
  };
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return value === undefined || value === null ? '' : String(value);
}
