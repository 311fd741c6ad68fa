import type { MessageEnvelope } from '../envelope/message-envelope';
import type { OutboundMessage } from '../ports/transport';
import { encodeBody } from './json-body';

/** Splits an envelope into the metadata a transport maps to its headers and the encoded body. */
export function toOutbound(envelope: MessageEnvelope): OutboundMessage {
  const { payload, ...metadata } = envelope;
  return { metadata, body: encodeBody(payload) };
}
