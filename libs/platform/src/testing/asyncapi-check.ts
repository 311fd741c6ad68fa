import { Parser } from '@asyncapi/parser';
import request from 'supertest';

export interface ServedAsyncApi {
  document: {
    operations: Record<string, { action: string; messages: { $ref: string }[] }>;
    components: { messages: Record<string, unknown> };
  };
  /** What the AsyncAPI parser found wrong (errors only), as `path: message`. */
  errors: string[];
  /** Message types, by what the service does with them. */
  received: string[];
  sent: string[];
}

/**
 * Fetches a service's `/asyncapi.json` and runs the AsyncAPI parser (the same validation as
 * the AsyncAPI CLI) over it: what a test needs to hold the document to the spec and to the code.
 */
export async function servedAsyncApi(http: unknown): Promise<ServedAsyncApi> {
  const response = await request(http as never)
    .get('/asyncapi.json')
    .expect(200);
  const document = response.body as ServedAsyncApi['document'];
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  const errors = diagnostics
    .filter((diagnostic) => diagnostic.severity === 0)
    .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
  const typesOf = (action: string) =>
    Object.values(document.operations)
      .filter((operation) => operation.action === action)
      .flatMap((operation) => operation.messages.map(({ $ref }) => $ref.split('/').pop() ?? ''))
      .sort();
  return { document, errors, received: typesOf('receive'), sent: typesOf('send') };
}
