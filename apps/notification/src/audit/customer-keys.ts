import { createHash, randomBytes } from 'node:crypto';
import { MessageKeyRing } from '@shopbus/messaging-core';
import { NotificationPrisma } from '../notification-prisma.service';

/** The reference a customer's key is found by: SHA-256 of the lower-cased email address. */
export function customerRefOf(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** What the wrapped data key is bound to: a key copied to another customer does not unwrap. */
const wrapContext = (ref: string) => `customer-key:${ref}`;

/**
 * One AES-256 data key per customer, kept in the service's database to seal their personal data
 * in the audit log (crypto-shredding: deleting the key makes every row sealed with it unreadable,
 * wherever copies of those rows went, and nothing else changes). With the service's message key
 * ring (MESSAGE_KEYS) each data key is stored wrapped by the ring's active key, so a copy of the
 * database alone opens nothing; rotating the ring keeps older keys readable (any key of the
 * ring unwraps).
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
    if (wanted.length === 0) return new Map();
    const fresh = wanted.map((ref) => ({
      customerRef: ref,
      keyId: randomBytes(8).toString('hex'),
      ...this.wrap(ref, randomBytes(32)),
    }));
    await this.prisma.customerKey.createMany({ data: fresh, skipDuplicates: true });
    return this.existing(wanted);
  }

  /** The data keys these customers still have (a forgotten one has none). */
  async existing(refs: readonly string[]): Promise<Map<string, MessageKeyRing>> {
    const rows = await this.prisma.customerKey.findMany({
      where: { customerRef: { in: [...new Set(refs)] } },
    });
    return new Map(
      rows.map((row) => [
        row.customerRef,
        new MessageKeyRing([{ id: row.keyId, key: this.unwrap(row) }]),
      ]),
    );
  }

  /** Deletes the customer's key; says whether there was one. */
  async forget(ref: string): Promise<boolean> {
    const { count } = await this.prisma.customerKey.deleteMany({ where: { customerRef: ref } });
    return count > 0;
  }

  private wrap(ref: string, key: Buffer) {
    // Prisma's Bytes want a Uint8Array over a plain ArrayBuffer.
    if (!this.wrapping) return { dataKey: new Uint8Array(key), wrappingKeyId: null };
    const { body, keyId } = this.wrapping.encrypt(key, wrapContext(ref));
    return { dataKey: new Uint8Array(body), wrappingKeyId: keyId };
  }

  private unwrap(row: { customerRef: string; dataKey: Uint8Array; wrappingKeyId: string | null }) {
    const stored = Buffer.from(row.dataKey);
    if (row.wrappingKeyId === null) return stored;
    if (!this.wrapping) {
      throw new Error(
        `The key of customer ${row.customerRef} is wrapped by "${row.wrappingKeyId}", and this service has no MESSAGE_KEYS`,
      );
    }
    return this.wrapping.decrypt(stored, row.wrappingKeyId, wrapContext(row.customerRef));
  }
}
