import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Why a body could not be decrypted: its key is not in the ring, or it was altered. */
export class UndecryptableBodyError extends Error {}

/**
 * The keys message bodies are encrypted with: AES-256-GCM, each key named by an id that travels
 * with the message. The first key encrypts; every key decrypts, so a key is rotated without
 * downtime by putting the new one first everywhere (old messages still decrypt), and retired by
 * removing it once no message encrypted with it can still arrive (a message whose key is not in
 * the ring is dead-lettered with that reason).
 */
export class MessageKeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  constructor(keys: readonly { id: string; key: Buffer }[]) {
    if (keys.length === 0) throw new Error('A key ring needs at least one key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id))
        throw new Error(`Key id "${id}" must be 1–32 lower-case letters, digits or -`);
      if (key.length !== 32)
        throw new Error(`Key "${id}" has ${key.length} bytes; AES-256 needs 32`);
      if (byId.has(id)) throw new Error(`Key id "${id}" appears twice`);
      byId.set(id, key);
    }
    this.keys = byId;
    this.activeKeyId = keys[0].id;
  }

  /**
   * Reads `id:base64key,id:base64key` (the first encrypts), e.g. from `MESSAGE_KEYS`. Says
   * what is wrong with an entry, never what the key was.
   */
  static parse(text: string): MessageKeyRing {
    return new MessageKeyRing(
      text.split(',').map((entry, index) => {
        const [id, encoded, extra] = entry.trim().split(':');
        if (!id || !encoded || extra !== undefined) {
          throw new Error(`Message key ${index + 1} is not id:base64-key`);
        }
        return { id, key: Buffer.from(encoded, 'base64') };
      }),
    );
  }

  /**
   * Encrypts with the active key. `context` (the message's id and type) is authenticated with
   * it: a body copied into another message does not decrypt there.
   */
  encrypt(plaintext: Buffer, context: string): { body: Buffer; keyId: string } {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.activeKeyId) as Buffer, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { body: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]), keyId: this.activeKeyId };
  }

  decrypt(body: Buffer, keyId: string, context: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key)
      throw new UndecryptableBodyError(
        `encrypted with key "${keyId}", which is not in this service's key ring`,
      );
    if (body.length < IV_BYTES + TAG_BYTES)
      throw new UndecryptableBodyError('the encrypted body is too short');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, body.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(body.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(body.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new UndecryptableBodyError(
        `the body does not decrypt with key "${keyId}": altered, or not this message's`,
      );
    }
  }
}
