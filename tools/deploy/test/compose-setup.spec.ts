import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeVariables } from '../compose-env';
import { ensureEnvFile } from '../compose-setup';
import { cartManifest } from './cart-manifest.fixture';

describe('compose:setup’s .env', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopbus-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds only what is missing, keeps what is there, and is readable by its owner only', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, '# mine\nCART_BROKER_PASSWORD=kept-as-it-was');
    const values = ensureEnvFile(file, [cartManifest]);
    expect(values.get('CART_BROKER_PASSWORD')).toBe('kept-as-it-was');
    expect(values.get('POSTGRES_PASSWORD')).toMatch(/^[\w-]{32}$/);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# mine\nCART_BROKER_PASSWORD=kept-as-it-was\n')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A second run finds everything and writes nothing.
    ensureEnvFile(file, [cartManifest]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('renames the variables of an earlier name, keeping their values', () => {
    const file = path.join(dir, 'renamed.env');
    writeFileSync(file, 'OPERATOR_TOKENS=operator:write:kept\nMESSAGE_KEYS=k1:kept\n');
    const values = ensureEnvFile(file, [cartManifest]);
    expect(values.get('SHOP_OPERATOR_TOKENS')).toBe('operator:write:kept');
    expect(values.get('SHOP_MESSAGE_KEYS')).toBe('k1:kept');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/^(OPERATOR_TOKENS|MESSAGE_KEYS)=/m);
  });

  it('names no variable as a service, a tool or the broker’s CLI reads it (Nx loads .env into tasks)', () => {
    // Every environment variable name the services' configuration and the tools mention.
    const root = path.join(__dirname, '../../..');
    const sources = [
      'libs/platform/src/lib/config/service-config.ts',
      'libs/messaging/core/src/lib/encryption/message-key-ring.ts',
      ...readdirSync(path.join(root, 'apps'))
        .map((app) => `apps/${app}/src/config.ts`)
        .filter((file) => existsSync(path.join(root, file))),
      // compose-target.ts reads the .env file itself, not the environment.
      ...readdirSync(path.join(root, 'tools/shop'))
        .filter((file) => file.endsWith('.ts') && file !== 'compose-target.ts')
        .map((file) => `tools/shop/${file}`),
    ];
    const mentioned = new Set(
      sources.flatMap((file) =>
        [
          ...readFileSync(path.join(root, file), 'utf8').matchAll(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g),
        ].map(([name]) => name),
      ),
    );
    for (const name of ['RABBITMQ_ERLANG_COOKIE', 'PGPASSWORD']) mentioned.add(name);
    expect(mentioned).toContain('OPERATOR_TOKENS');
    expect(mentioned).toContain('MESSAGE_KEYS');
    const written = composeVariables([cartManifest]).map((variable) => variable.name);
    expect(written.filter((name) => mentioned.has(name))).toEqual([]);
  });
});
