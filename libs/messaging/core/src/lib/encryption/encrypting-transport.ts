import type { AnyContract } from '../contracts/message-contract';
import type {
  ConsumerHandle,
  Destination,
  EndpointSpec,
  InboundHandler,
  InboundMessage,
  OutboundMessage,
  ReplyMessage,
  Transport,
  TransportStatus,
} from '../ports/transport';
import type { MessageMetadata } from '../envelope/message-envelope';
import { faultEventType } from '../recoverability/fault-event';
import { UndecryptableBodyError, type MessageKeyRing } from './message-key-ring';

/** The header naming the key a body was encrypted with; its presence says the body is encrypted. */
export const ENCRYPTION_KEY_HEADER = 'encryption-key-id';

export interface EncryptingTransportOptions {
  keyRing: MessageKeyRing;
  /** Whether messages of this type carry personal data, and so travel encrypted. */
  encrypts: (messageType: string) => boolean;
}

/**
 * The types whose bodies travel encrypted: the contracts declared with `personalData`, their
 * fault events (which copy the failed message's payload) and their queries' replies.
 */
export function personalDataTypes(contracts: readonly AnyContract[]): (type: string) => boolean {
  const types = new Set<string>();
  for (const contract of contracts) {
    if (!contract.personalData) continue;
    types.add(contract.type);
    types.add(faultEventType(contract.type));
    types.add(`${contract.type}.response`);
  }
  return (type) => types.has(type);
}

/**
 * Any transport, with the bodies of personal-data messages encrypted on the wire and wherever
 * the broker keeps them (queues, retry and dead-letter queues): AES-256-GCM with the key ring's
 * active key, its id in a header, the message's id and type authenticated with it. Received
 * bodies are decrypted before the consume pipeline reads them; one that cannot be (its key not
 * in the ring, altered, moved into another message) or that arrives unencrypted though its type
 * is personal is marked malformed, and the pipeline dead-letters it with that reason.
 * Everything else passes through untouched.
 */
export class EncryptingTransport implements Transport {
  constructor(
    readonly inner: Transport,
    private readonly options: EncryptingTransportOptions,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  status(): TransportStatus {
    return this.inner.status();
  }

  publish(message: OutboundMessage): Promise<void> {
    return this.inner.publish(this.seal(message));
  }

  send(message: OutboundMessage, destination?: Destination): Promise<void> {
    return this.inner.send(this.seal(message), destination);
  }

  async request(
    message: OutboundMessage,
    options: { timeoutMs: number; destination?: Destination },
  ): Promise<ReplyMessage> {
    const reply = await this.inner.request(this.seal(message), options);
    const opened = this.opened(reply.metadata, reply.body);
    if ('problem' in opened) throw new UndecryptableBodyError(`the reply: ${opened.problem}`);
    return opened;
  }

  consume(endpoint: EndpointSpec, handler: InboundHandler): Promise<ConsumerHandle> {
    return this.inner.consume(endpoint, (message) => handler(this.open(message)));
  }

  deadLetterQueues() {
    return this.inner.deadLetterQueues();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private seal(message: OutboundMessage): OutboundMessage {
    const { metadata } = message;
    if (!this.options.encrypts(metadata.messageType)) return message;
    const { body, keyId } = this.options.keyRing.encrypt(message.body, contextOf(metadata));
    return {
      metadata: { ...metadata, headers: { ...metadata.headers, [ENCRYPTION_KEY_HEADER]: keyId } },
      body,
    };
  }

  private open(message: InboundMessage): InboundMessage {
    const opened = this.opened(message.metadata, message.body);
    const reply = message.reply;
    const sealedReply = reply && ((answer: OutboundMessage) => reply(this.seal(answer)));
    if ('problem' in opened) {
      return { ...message, reply: sealedReply, malformed: message.malformed ?? opened.problem };
    }
    return { ...message, ...opened, reply: sealedReply };
  }

  /** The plaintext body and the metadata without the key header, or what is wrong. */
  private opened(
    metadata: MessageMetadata,
    body: Buffer,
  ): { metadata: MessageMetadata; body: Buffer } | { problem: string } {
    const keyId = metadata.headers[ENCRYPTION_KEY_HEADER];
    if (keyId === undefined) {
      return this.options.encrypts(metadata.messageType)
        ? { problem: `"${metadata.messageType}" carries personal data but arrived unencrypted` }
        : { metadata, body };
    }
    const headers = { ...metadata.headers };
    delete headers[ENCRYPTION_KEY_HEADER];
    try {
      const plaintext = this.options.keyRing.decrypt(body, String(keyId), contextOf(metadata));
      return { metadata: { ...metadata, headers }, body: plaintext };
    } catch (error) {
      if (!(error instanceof UndecryptableBodyError)) throw error;
      return { problem: `cannot decrypt the body: ${error.message}` };
    }
  }
}

/** What a body's encryption is bound to: the message it belongs to. */
function contextOf(metadata: MessageMetadata): string {
  return `${metadata.messageId}|${metadata.messageType}`;
}
