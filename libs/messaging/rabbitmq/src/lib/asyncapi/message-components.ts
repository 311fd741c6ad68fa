import type { AnyContract } from '@shopbus/messaging-core';
import { z } from 'zod';

/** A contract's payload as JSON Schema (draft 7, which AsyncAPI's schema format extends). */
function payloadSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

/** The envelope's AMQP properties and headers, the same on every message. */
const envelopeHeaders = {
  type: 'object',
  properties: {
    'message-version': { type: 'integer', description: 'The contract version the payload follows' },
    'conversation-id': { type: 'string', description: 'Id of the first message of the chain' },
    'causation-id': {
      type: 'string',
      description: 'Id of the message whose handling sent this one',
    },
    'sent-at': { type: 'string', format: 'date-time' },
  },
};

/** One AsyncAPI message: the contract's payload schema and its envelope. */
export function messageComponent(contract: AnyContract): Record<string, unknown> {
  return {
    name: contract.type,
    title: contract.type,
    summary: `${contract.kind} ${contract.type}, version ${contract.version}`,
    contentType: 'application/json',
    headers: envelopeHeaders,
    correlationId: {
      description: 'Ties every message of one business flow together',
      location: '$message.header#/correlation_id',
    },
    payload: payloadSchema(contract.schema),
    bindings: { amqp: { messageType: contract.type, bindingVersion: '0.3.0' } },
  };
}

/** A query's reply, with the response schema. */
export function responseComponent(contract: AnyContract & { responseSchema: z.ZodType }) {
  return {
    name: `${contract.type}.response`,
    title: `${contract.type} response`,
    contentType: 'application/json',
    payload: payloadSchema(contract.responseSchema),
  };
}
