import { MalformedMessageError } from '../errors';

/** Message bodies are UTF-8 JSON: readable in the broker's UI and by any client. */
export const JSON_CONTENT_TYPE = 'application/json';

export function encodeBody(payload: unknown): Buffer {
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

export function decodeBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new MalformedMessageError(`Message body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
