/**
 * A development certificate authority and server certificates signed by it, made with the
 * openssl command line: what docker compose runs TLS with (`npm run compose:setup` writes them
 * to deploy/tls/, which git ignores). Keys are made on the machine that uses them and never
 * committed; they are for development and tests only.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ServerCertificate {
  /** Names the files: `<name>.crt`, `<name>.key`. */
  name: string;
  /** The host names and IP addresses clients reach the server by (its subjectAltName). */
  hosts: readonly string[];
}

/** P-256 keys: quick to make, and every client and server here speaks them. */
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = '825';

/**
 * Writes `ca.crt`/`ca.key` into the directory unless they exist, then each server's certificate
 * and key unless one exists that names all its hosts (a certificate made before a host was added,
 * e.g. the cluster profile's broker nodes, is made again). Keys are readable by their owner only.
 */
export function createDevCertificates(dir: string, servers: readonly ServerCertificate[]): void {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  if (!existsSync(file('ca.crt'))) {
    openssl(
      'req', '-x509', ...KEY, '-keyout', file('ca.key'), '-out', file('ca.crt'),
      '-days', DAYS, '-subj', '/CN=shopbus development CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ); // prettier-ignore
    chmodSync(file('ca.key'), 0o600);
  }
  for (const server of servers) {
    const names = server.hosts.map((host) =>
      /^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`,
    );
    const current = file(`${server.name}.crt`);
    if (
      existsSync(current) &&
      namesAll(openssl('x509', '-in', current, '-noout', '-ext', 'subjectAltName'), names)
    )
      continue;
    writeFileSync(
      file(`${server.name}.ext`),
      `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`,
    );
    openssl(
      'req', ...KEY, '-keyout', file(`${server.name}.key`), '-out', file(`${server.name}.csr`),
      '-subj', `/CN=${server.hosts[0]}`,
    ); // prettier-ignore
    openssl(
      'x509', '-req', '-in', file(`${server.name}.csr`), '-CA', file('ca.crt'),
      '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${server.name}.crt`),
      '-days', DAYS, '-extfile', file(`${server.name}.ext`),
    ); // prettier-ignore
    chmodSync(file(`${server.name}.key`), 0o600);
    for (const scratch of ['csr', 'ext']) rmSync(file(`${server.name}.${scratch}`));
  }
}

/**
 * Whether `openssl x509 -ext subjectAltName` output lists every name (`DNS:x`, `IP:y`; openssl
 * prints IP addresses as `IP Address:y`).
 */
function namesAll(printed: Buffer, names: readonly string[]): boolean {
  const listed = new Set(
    printed
      .toString()
      .split(/[,\n]/)
      .map((name) => name.trim().replace(/^IP Address:/, 'IP:')),
  );
  return names.every((name) => listed.has(name));
}
