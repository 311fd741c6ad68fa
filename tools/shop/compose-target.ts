/**
 * The shop docker compose runs, as the tools reach it from this machine: the broker over TLS as
 * its administrator (port RABBITMQ_PORT, default 5671, verified by deploy/tls/ca.crt), the
 * operator and the message keys of `.env`. `npm run demo:compose` runs the demo against it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from '../deploy/compose-env';
import { WORKSPACE_ROOT } from './services';

/**
 * The environment a tool needs to drive the compose shop, from `.env`: the broker URL, its CA,
 * the operator and the keys replace whatever the environment says (it may name another shop).
 */
export function composeTargetEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = path.join(WORKSPACE_ROOT, '.env');
  let secrets: Map<string, string>;
  try {
    secrets = parseEnv(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${file} is missing: run npm run compose:setup, then docker compose up`);
  }
  const need = (name: string) => {
    const value = secrets.get(name);
    if (!value) throw new Error(`.env has no ${name}: run npm run compose:setup`);
    return value;
  };
  const operator = need('SHOP_OPERATOR_TOKENS')
    .split(',')
    .map((entry) => entry.trim().split(':'))
    .find(([, role]) => role === 'write');
  if (!operator) throw new Error('SHOP_OPERATOR_TOKENS in .env names no write operator');
  const port = env['RABBITMQ_PORT'] || '5671';
  return {
    ...env,
    RABBITMQ_URL: `amqps://admin:${encodeURIComponent(need('RABBITMQ_ADMIN_PASSWORD'))}@localhost:${port}`,
    RABBITMQ_CA_FILE: path.join(WORKSPACE_ROOT, 'deploy/tls/ca.crt'),
    OPERATOR_TOKEN: operator[2],
    MESSAGE_KEYS: need('SHOP_MESSAGE_KEYS'),
  };
}
