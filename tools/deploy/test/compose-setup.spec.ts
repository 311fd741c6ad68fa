import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
});
