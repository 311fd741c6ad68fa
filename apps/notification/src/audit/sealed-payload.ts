import { personalDataTypes, type MessageKeyRing } from '@shopbus/messaging-core';
import { shopContracts } from '@shopbus/contracts';

/** The event types whose contracts declare personal data: their audit rows are sealed. */
export const carriesPersonalData = personalDataTypes(shopContracts);

/** The customer a personal-data event belongs to: its `customerEmail`, when it has one. */
export function customerEmailOf(payload: unknown): string | undefined {
  const email = (payload as { customerEmail?: unknown } | null)?.customerEmail;
  return typeof email === 'string' && email.length > 0 ? email : undefined;
}

/**
 * Seals a payload with its customer's key (AES-256-GCM), bound to the message's id: a sealed
 * payload moved to another row does not open there.
 */
export function sealPayload(payload: unknown, key: MessageKeyRing, messageId: string): Buffer {
  return key.encrypt(Buffer.from(JSON.stringify(payload)), messageId).body;
}

/** Opens a payload sealed with the customer's key `keyId` (the row says which). */
export function openPayload(
  sealed: Uint8Array,
  key: MessageKeyRing,
  keyId: string,
  messageId: string,
): unknown {
  return JSON.parse(key.decrypt(Buffer.from(sealed), keyId, messageId).toString('utf8'));
}
