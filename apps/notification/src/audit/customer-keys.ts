import { createHash, randomBytes } from 'node:crypto';
import { MessageKeyRing } from '@shopbus/messaging-core';
import { NotificationPrisma } from '../notification-prisma.service';

/** The reference a customer's key is found by: SHA-256 of the lower-cased email address. */
export function customerRefOf(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** What the wrapped data key is bound to: a key copied to another customer does not unwrap. */
const wrapContext = (ref: string) => `customer-key:${ref}`;

interface CustomerKeyRow {
  customer_ref: string;
  key_id: string;
  data_key: Buffer;
  wrapping_key_id: string | null;
}

/**
 * One AES-256 data key per customer, kept in the service's database to seal their personal data
 * in the audit log (crypto-shredding: deleting the key makes every row sealed with it unreadable,
 * wherever copies of those rows went, and nothing else changes). With the service's message key
 * ring (MESSAGE_KEYS) each data key is stored wrapped by the ring's active key, so a copy of the
 * database alone opens nothing; rotating the ring keeps older keys readable (any key of the
 * ring unwraps).
 *
 * On the audit's write path, so plain SQL on the service's pool (no Prisma per batch), and keys
 * are made only for customers that have none yet. Nothing is cached: a key deleted by any
 * instance is gone for the next batch of every instance.
 */
export class CustomerKeys {
  constructor(
    private readonly prisma: NotificationPrisma,
    private readonly wrapping?: MessageKeyRing,
  ) {}

  /**
   * The data keys of these customers, each as a one-key ring named by the key's id, created for
   * those that have none. Two writers creating one customer's key at once agree on whichever
   * was stored first.
   */
  async keysFor(refs: readonly string[]): Promise<Map<string, MessageKeyRing>> {
    const wanted = [...new Set(refs)];
    const keys = await this.existing(wanted);
    const missing = wanted.filter((ref) => !keys.has(ref));
    if (missing.length === 0) return keys;
    const fresh = missing.map((ref) => this.wrap(ref, randomBytes(32)));
    await this.prisma.sql.$executeRaw`
      INSERT INTO customer_key (customer_ref, key_id, data_key, wrapping_key_id)
      SELECT ref, key_id, decode(data_key, 'base64'), wrapping_key_id
        FROM jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb)
          AS fresh(ref text, key_id text, data_key text, wrapping_key_id text)
      ON CONFLICT (customer_ref) DO NOTHING`;
    for (const [ref, key] of await this.existing(missing)) keys.set(ref, key);
    return keys;
  }

  /** The data keys these customers still have (a forgotten one has none). */
  async existing(refs: readonly string[]): Promise<Map<string, MessageKeyRing>> {
    if (refs.length === 0) return new Map();
    const rows = await this.prisma.sql.$queryRaw<CustomerKeyRow>`
      SELECT customer_ref, key_id, data_key, wrapping_key_id
        FROM customer_key WHERE customer_ref = ANY(${[...new Set(refs)]}::text[])`;
    return new Map(
      rows.map((row) => [
        row.customer_ref,
        new MessageKeyRing([{ id: row.key_id, key: this.unwrap(row) }]),
      ]),
    );
  }

  /** Deletes the customer's key; says whether there was one. */
  async forget(ref: string): Promise<boolean> {
    const deleted = await this.prisma.sql.$executeRaw`
      DELETE FROM customer_key WHERE customer_ref = ${ref}`;
    return deleted > 0;
  }

  private wrap(ref: string, key: Buffer) {
    const keyId = randomBytes(8).toString('hex');
    if (!this.wrapping) {
      return { ref, key_id: keyId, data_key: key.toString('base64'), wrapping_key_id: null };
    }
    const { body, keyId: wrappingKeyId } = this.wrapping.encrypt(key, wrapContext(ref));
    return {
      ref,
      key_id: keyId,
      data_key: body.toString('base64'),
      wrapping_key_id: wrappingKeyId,
    };
  }

  private unwrap(row: CustomerKeyRow): Buffer {
    if (row.wrapping_key_id === null) return row.data_key;
    if (!this.wrapping) {
      throw new Error(
        `The key of customer ${row.customer_ref} is wrapped by "${row.wrapping_key_id}", and this service has no MESSAGE_KEYS`,
      );
    }
    return this.wrapping.decrypt(row.data_key, row.wrapping_key_id, wrapContext(row.customer_ref));
  }
}
