import { newMessageId } from './message-id';

/** Header values a transport can carry without loss. */
export type HeaderValue = string | number | boolean;
export type MessageHeaders = Record<string, HeaderValue>;

/**
 * What travels with every message, whatever the transport.
 *
 * - `messageId` identifies this one message (UUIDv7); a redelivery keeps it, so consumers
 *   deduplicate on it.
 * - `correlationId` ties together every message of one business flow (a checkout and all it
 *   causes); it defaults to the first message's id and is carried forward unchanged.
 * - `conversationId` is the id of the first message of the chain, set automatically.
 * - `causationId` is the id of the message whose handling produced this one; absent on a first
 *   message. Together they let the audit log rebuild who caused what.
 * - `messageType` is the contract's stable wire name (`order.placed`) and `messageVersion` its
 *   schema version, so a consumer can tell an old shape from a new one.
 */
export interface MessageMetadata {
  readonly messageId: string;
  readonly messageType: string;
  readonly messageVersion: number;
  readonly correlationId: string;
  readonly conversationId: string;
  readonly causationId?: string;
  /** ISO-8601 time at which the envelope was created. */
  readonly sentAt: string;
  /** Name of the service that created the message. */
  readonly source: string;
  /** Free application headers; transports add their own beside them. */
  readonly headers: MessageHeaders;
}

export interface MessageEnvelope<TPayload = unknown> extends MessageMetadata {
  readonly payload: TPayload;
}

export interface CreateEnvelopeInput<TPayload> {
  messageType: string;
  messageVersion?: number;
  payload: TPayload;
  source: string;
  /** The message being handled when this one is created; its ids are carried forward. */
  parent?: MessageMetadata;
  /** Overrides the inherited correlation id (e.g. a flow that starts at an HTTP request). */
  correlationId?: string;
  headers?: MessageHeaders;
}

export function createEnvelope<TPayload>(
  input: CreateEnvelopeInput<TPayload>,
): MessageEnvelope<TPayload> {
  const messageId = newMessageId();
  const { parent } = input;
  return {
    messageId,
    messageType: input.messageType,
    messageVersion: input.messageVersion ?? 1,
    correlationId: input.correlationId ?? parent?.correlationId ?? messageId,
    conversationId: parent?.conversationId ?? messageId,
    causationId: parent?.messageId,
    sentAt: new Date().toISOString(),
    source: input.source,
    headers: { ...input.headers },
    payload: input.payload,
  };
}
