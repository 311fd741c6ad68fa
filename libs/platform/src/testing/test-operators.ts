import { randomBytes } from 'node:crypto';
import type { OperatorRole } from '../lib/operators/operators';

/** Tokens of this test process's two operators: fresh per run, never written down. */
const tokens: Record<OperatorRole, string> = {
  write: randomBytes(24).toString('base64url'),
  read: randomBytes(24).toString('base64url'),
};

/** `OPERATOR_TOKENS` for a service under test: a writing and a read-only operator. */
export const testOperatorTokens = `tester:write:${tokens.write},watcher:read:${tokens.read}`;

/** The Authorization header of the test's operator with `role`. */
export const asOperator = (role: OperatorRole = 'write') => `Bearer ${tokens[role]}`;
