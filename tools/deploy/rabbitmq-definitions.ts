import { createHash } from 'node:crypto';
import { shopExchanges } from '@shopbus/contracts';
import type { ServiceManifest } from '@shopbus/service-manifest';

/** The demo's broker passwords: `<user>-secret` (the admin's is `admin`). Not for production. */
export const demoBrokerPassword = (user: string): string =>
  user === 'admin' ? 'admin' : `${user}-secret`;

/**
 * RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ sha256(salt ‖ password)). The salt
 * is derived from the user's name instead of drawn at random, so that regenerating the file
 * changes nothing unless a manifest changed.
 */
export function rabbitPasswordHash(user: string, password: string): string {
  const salt = createHash('sha256').update(`shopbus:${user}`).digest().subarray(0, 4);
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password)]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The routing keys a service's user may publish on the shop's events exchange: the events it
 * owns (`<word>.…` for each word its manifest's `events` names) and fault events (any
 * `<type>.faulted`: a service announces the dead letters of whatever it consumes). RabbitMQ
 * checks it on every publish to that topic exchange: anything else is ACCESS_REFUSED.
 */
export function eventsWritePattern(manifest: ServiceManifest): string {
  const own = manifest.events.map((word) => `${escapeRegex(word)}\\..+`);
  return `^(${[...own, '.+\\.faulted'].join('|')})$`;
}

/**
 * `deploy/rabbitmq/definitions.json`: an administrator, and one user per service that may
 * declare and read only the shop's exchanges and its own queues (`<name>.…`), write to the
 * shop's exchanges and the default exchange, and read replies (direct reply-to); on the events
 * exchange it may publish only its own events and fault events (`eventsWritePattern`).
 */
export function rabbitmqDefinitions(manifests: readonly ServiceManifest[]): unknown {
  const user = (name: string, tags: string[]) => ({
    name,
    password_hash: rabbitPasswordHash(name, demoBrokerPassword(name)),
    hashing_algorithm: 'rabbit_password_hashing_sha256',
    tags,
  });
  return {
    rabbit_version: '3.13.7',
    users: [user('admin', ['administrator']), ...manifests.map((m) => user(m.brokerUser, []))],
    vhosts: [{ name: '/' }],
    permissions: [
      { user: 'admin', vhost: '/', configure: '.*', write: '.*', read: '.*' },
      ...manifests.map((manifest) => {
        const own = `shop\\..+|${escapeRegex(manifest.name)}\\..+`;
        return {
          user: manifest.brokerUser,
          vhost: '/',
          configure: `^(${own})$`,
          write: `^(${own}|amq\\.default)$`,
          read: `^(${own}|amq\\.rabbitmq\\.reply-to.*)$`,
        };
      }),
    ],
    topic_permissions: manifests.map((manifest) => ({
      user: manifest.brokerUser,
      vhost: '/',
      exchange: shopExchanges().events,
      write: eventsWritePattern(manifest),
      read: '.*',
    })),
  };
}
