/**
 * The operator token this machine's tools use: `npm start` and the rigs start the services with
 * it (`OPERATOR_TOKENS=operator:write:<it>`), and the demo, the chaos ledger and the shop
 * benchmark send it to the operator routes (/audit, /admin/*, /health, /metrics). It is
 * `OPERATOR_TOKEN` when set (as for docker compose: start it with the matching
 * `OPERATOR_TOKENS`), else a random one kept in tmp/operator-token (git-ignored), made on first
 * use: never a token written in the repository.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from './services';

const TOKEN_FILE = path.join(WORKSPACE_ROOT, 'tmp', 'operator-token');

export function shopOperatorToken(env: NodeJS.ProcessEnv = process.env): string {
  if (env['OPERATOR_TOKEN']) return env['OPERATOR_TOKEN'];
  try {
    return readFileSync(TOKEN_FILE, 'utf8').trim();
  } catch {
    const token = randomBytes(24).toString('base64url');
    mkdirSync(path.dirname(TOKEN_FILE), { recursive: true });
    // wx: two tools starting at once do not overwrite each other's token.
    try {
      writeFileSync(TOKEN_FILE, `${token}\n`, { mode: 0o600, flag: 'wx' });
      return token;
    } catch {
      return readFileSync(TOKEN_FILE, 'utf8').trim();
    }
  }
}

/** `OPERATOR_TOKENS` for a service the tools start: the environment's, else the tools' operator. */
export function shopOperatorTokens(env: NodeJS.ProcessEnv = process.env): string {
  return env['OPERATOR_TOKENS'] || `operator:write:${shopOperatorToken(env)}`;
}

/** The header an operator route wants. */
export function asShopOperator(): { authorization: string } {
  return { authorization: `Bearer ${shopOperatorToken()}` };
}
