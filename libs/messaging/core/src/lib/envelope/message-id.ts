import { v7 as uuidv7 } from 'uuid';

/**
 * Every message id is a UUIDv7: unique without coordination, and time-ordered, so ids sort by
 * creation time and index well as a primary key (the outbox and inbox tables key on them).
 */
export function newMessageId(): string {
  return uuidv7();
}
