/**
 * `npm run compose:setup`: what docker compose needs on this machine and the repository never
 * holds, made once and kept (run it again after adding a service: it adds what is missing and
 * changes nothing else):
 *
 *   .env                               every secret docker-compose.yml reads, random (0600)
 *   deploy/rabbitmq/definitions.json   the broker's users with those passwords, hashed, and
 *                                      their permissions
 *   deploy/tls/                        a development CA, certificates for rabbitmq and postgres
 *
 * All three are git-ignored. Delete .env (and `docker compose down -v`) to start over with new
 * secrets; delete deploy/tls/ for new certificates.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  brokerPasswordVariableOf,
  readServiceManifests,
  type ServiceManifest,
} from '@shopbus/service-manifest';
import { composeVariables, parseEnv, renameEnvVariables } from './compose-env';
import { BROKER_NODES } from './compose-services';
import { createDevCertificates } from './dev-certificates';
import { BROKER_ADMIN, rabbitmqDefinitions } from './rabbitmq-definitions';

const ROOT = path.join(__dirname, '../..');

/**
 * The hosts each server is reached by: its compose service names (the broker's three nodes of
 * the cluster profile share one certificate), and the published port.
 */
const SERVERS = [
  { name: 'rabbitmq', hosts: [...BROKER_NODES, 'localhost', '127.0.0.1'] },
  { name: 'postgres', hosts: ['postgres', 'localhost', '127.0.0.1'] },
];

/** Adds every missing variable to the env file, with a fresh value; returns all values. */
export function ensureEnvFile(
  file: string,
  manifests: readonly ServiceManifest[],
): Map<string, string> {
  const written = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const text = renameEnvVariables(written);
  if (text !== written) {
    writeFileSync(file, text);
    console.log(`${path.relative(ROOT, file)}: variables renamed (OPERATOR_TOKENS → SHOP_…)`);
  }
  const values = parseEnv(text);
  const added = composeVariables(manifests)
    .filter((variable) => !values.get(variable.name))
    .map((variable) => {
      values.set(variable.name, variable.make());
      return `# ${variable.description}\n${variable.name}=${values.get(variable.name)}\n`;
    });
  if (added.length > 0) {
    const separator = text && !text.endsWith('\n') ? '\n' : '';
    writeFileSync(file, `${text}${separator}${added.join('')}`);
    console.log(`${path.relative(ROOT, file)}: ${added.length} secret(s) written`);
  }
  chmodSync(file, 0o600);
  return values;
}

function main(): void {
  const manifests = readServiceManifests(ROOT);
  const env = ensureEnvFile(path.join(ROOT, '.env'), manifests);
  const passwordOf = (user: string) => {
    const manifest = manifests.find((m) => m.brokerUser === user);
    const name = manifest ? brokerPasswordVariableOf(manifest) : 'RABBITMQ_ADMIN_PASSWORD';
    const value = env.get(name);
    if (user !== BROKER_ADMIN && !manifest) throw new Error(`No service has broker user ${user}`);
    if (!value) throw new Error(`.env has no ${name}`);
    return value;
  };
  const definitions = path.join(ROOT, 'deploy/rabbitmq/definitions.json');
  writeFileSync(
    definitions,
    `${JSON.stringify(rabbitmqDefinitions(manifests, passwordOf), null, 2)}\n`,
  );
  console.log('deploy/rabbitmq/definitions.json: the broker users of .env');
  createDevCertificates(path.join(ROOT, 'deploy/tls'), SERVERS);
  console.log('deploy/tls: development CA and certificates for rabbitmq and postgres');
}

if (require.main === module) main();
