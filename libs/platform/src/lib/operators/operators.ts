import { createHash, timingSafeEqual } from 'node:crypto';

/** What an operator may do: `read` lists and looks; `write` also replays, purges and retries. */
export type OperatorRole = 'read' | 'write';

/** Operator routes that may be opened to anyone by configuration (probes, a scraper). */
export type PublicRoute = 'health' | 'metrics';

export interface Operator {
  readonly name: string;
  readonly role: OperatorRole;
  /** SHA-256 of the token: the token itself is not kept, and digests compare in constant time. */
  readonly tokenDigest: Buffer;
}

/** Tokens shorter than this are refused at start: a guessable token is no protection. */
export const MIN_TOKEN_LENGTH = 24;

const ENTRY = /^([a-z][a-z0-9-]*):(read|write):([A-Za-z0-9_-]+)$/;

/**
 * Reads `OPERATOR_TOKENS`: comma-separated `name:role:token` entries, e.g.
 * `alice:write:<token>,grafana:read:<token>`. A malformed entry, a short token, a repeated name
 * or token stops the service at start with what is wrong (never the token itself).
 */
export function parseOperatorTokens(raw: string | undefined): Operator[] {
  if (raw === undefined || raw.trim() === '') return [];
  const operators: Operator[] = [];
  raw.split(',').forEach((entry, index) => {
    const match = ENTRY.exec(entry.trim());
    if (!match) {
      throw new Error(
        `OPERATOR_TOKENS entry ${index + 1} is not name:read|write:token (letters, digits, - and _)`,
      );
    }
    const [, name, role, token] = match;
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new Error(
        `OPERATOR_TOKENS: ${name}'s token is shorter than ${MIN_TOKEN_LENGTH} characters`,
      );
    }
    const tokenDigest = digest(token);
    if (operators.some((other) => other.name === name)) {
      throw new Error(`OPERATOR_TOKENS: ${name} is named twice`);
    }
    if (operators.some((other) => other.tokenDigest.equals(tokenDigest))) {
      throw new Error(`OPERATOR_TOKENS: ${name} shares a token with another operator`);
    }
    operators.push({ name, role: role as OperatorRole, tokenDigest });
  });
  return operators;
}

/** Reads `PUBLIC_ROUTES`: `health`, `metrics`, both (comma-separated) or none (the default). */
export function parsePublicRoutes(raw: string | undefined): PublicRoute[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const route = part.trim();
    if (route !== 'health' && route !== 'metrics') {
      throw new Error(`PUBLIC_ROUTES may name health and metrics, not "${route}"`);
    }
    return route;
  });
}

/**
 * The operator a presented token belongs to, or undefined. Every operator's digest is compared,
 * each in constant time, so neither which operator matched nor how much of a token was right
 * shows in the time taken.
 */
export function operatorOf(operators: readonly Operator[], token: string): Operator | undefined {
  const presented = digest(token);
  let found: Operator | undefined;
  for (const operator of operators) {
    if (timingSafeEqual(operator.tokenDigest, presented)) found = operator;
  }
  return found;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
