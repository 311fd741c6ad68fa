import type { MessageMetadata } from '@shopbus/messaging-core';

/** An outbox row as the relay reads it: what to publish, where, and how often it failed. */
export interface OutboxRow {
  sequence: string;
  partition_key: string;
  intent: 'publish' | 'send';
  exchange: string | null;
  routing_key: string | null;
  queue: string | null;
  metadata: MessageMetadata;
  /** The payload as JSON text, published as it is. */
  body: string;
  attempts: number;
  /** When this attempt fell due: written (or scheduled for), or its retry time. */
  next_attempt_at: Date;
}
