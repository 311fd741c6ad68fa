import type { Fault, MessageMetadata } from '@shopbus/messaging-core';

/**
 * A message as the in-memory broker holds it. What the RabbitMQ adapter keeps in headers it
 * writes itself (the redelivery count, the first route, the replay count) is kept here beside
 * the message, where no sender can reach it: nothing a sender puts in `metadata.headers` is
 * believed.
 */
export interface StoredMessage {
  readonly metadata: MessageMetadata;
  readonly body: Buffer;
  /** Delivered before and not acknowledged (handed back, or its consumer went away). */
  readonly redelivered: boolean;
  /** Delayed redeliveries behind it. */
  readonly redeliveryCount: number;
  /** Where it was first published: kept through redeliveries, dead-lettering and replays. */
  readonly originalRoute: { readonly exchange: string; readonly routingKey: string };
  /** Present on a request: where its one reply goes. */
  readonly replyTo?: string;
  readonly replayCount: number;
}

/** A message in a dead-letter queue, with why. */
export interface DeadLetter {
  readonly message: StoredMessage;
  /** The handler's fault, when the library gave the message up; absent when the broker did. */
  readonly fault?: Fault;
  /** The broker's own reason when it dead-lettered the message by itself. */
  readonly brokerReason?: string;
}

/** Copies what a sender hands over, so that changing its buffer or headers later changes nothing here. */
export function storedCopy(
  metadata: MessageMetadata,
  body: Buffer,
  route: { exchange: string; routingKey: string },
  replyTo?: string,
): StoredMessage {
  return {
    metadata: { ...metadata, headers: { ...metadata.headers } },
    body: Buffer.from(body),
    redelivered: false,
    redeliveryCount: 0,
    originalRoute: route,
    replyTo,
    replayCount: 0,
  };
}
