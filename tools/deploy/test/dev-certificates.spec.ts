import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevCertificates } from '../dev-certificates';

/** The certificates `npm run compose:setup` keeps between runs, and when it makes one again. */
describe('development certificates kept or made again', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shopbus-certs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  const namesOf = (name: string) => new X509Certificate(read(name)).subjectAltName;

  it('keeps a certificate that names every host, and the authority that signed it', () => {
    createDevCertificates(dir, [{ name: 'broker', hosts: ['rabbitmq', '127.0.0.1'] }]);
    const [ca, certificate] = [read('ca.crt'), read('broker.crt')];
    createDevCertificates(dir, [{ name: 'broker', hosts: ['rabbitmq', '127.0.0.1'] }]);
    expect(read('ca.crt')).toBe(ca);
    expect(read('broker.crt')).toBe(certificate);
    expect(namesOf('broker.crt')).toBe('DNS:rabbitmq, IP Address:127.0.0.1');
  });

  it('makes a certificate again, signed by the same authority, when a host was added', () => {
    createDevCertificates(dir, [{ name: 'broker', hosts: ['rabbitmq', '127.0.0.1'] }]);
    const [ca, before] = [read('ca.crt'), read('broker.crt')];
    createDevCertificates(dir, [
      { name: 'broker', hosts: ['rabbitmq', 'rabbitmq-2', 'rabbitmq-3', '127.0.0.1'] },
    ]);
    expect(read('broker.crt')).not.toBe(before);
    expect(namesOf('broker.crt')).toBe(
      'DNS:rabbitmq, DNS:rabbitmq-2, DNS:rabbitmq-3, IP Address:127.0.0.1',
    );
    expect(read('ca.crt')).toBe(ca);
    const authority = new X509Certificate(ca);
    expect(new X509Certificate(read('broker.crt')).verify(authority.publicKey)).toBe(true);
  });
});
