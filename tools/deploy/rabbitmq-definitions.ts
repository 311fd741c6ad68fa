import { createHash, randomBytes } from 'node:crypto';
import { shopExchanges } from '@shopbus/contracts';
import type { ServiceManifest } from '@shopbus/service-manifest';

/** The broker user that declares the topology, replays dead letters and runs the demo. */
export const BROKER_ADMIN = 'admin';

/**
 * RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ sha256(salt ‖ password)), with a
 * random 4-byte salt (the file holding it is made on each machine and never committed).
 */
export function rabbitPasswordHash(password: string, salt = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password)]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The routing keys a service's user may publish on the shop's events exchange: the events it
 * owns (`<word>.…` for each word its manifest's `events` names) and fault events (any
 * `<type>.faulted`: a service announces the dead letters of whatever it consumes; receivers
 * believe a fault only from the service that consumed it, see verifiedPublishers). RabbitMQ
 * checks it on every publish to that topic exchange: anything else is ACCESS_REFUSED.
 */
export function eventsWritePattern(manifest: ServiceManifest): string {
  const own = manifest.events.map((word) => `${escapeRegex(word)}\\..+`);
  return `^(${[...own, '.+\\.faulted'].join('|')})$`;
}

/**
 * What a service's user may do, for services that run with `BROKER_TOPOLOGY=verify` (the
 * administrator declared every exchange, queue and binding):
 *
 * - configure: nothing. It can neither declare nor delete an exchange or a queue.
 * - write: the shop's events, commands, notifications and dead-letter exchanges (on the events
 *   exchange only its own routing keys, see `eventsWritePattern`), and the default exchange,
 *   through which it redelivers to its retry queues, sends to a queue and answers requests.
 * - read: its own queues (`<name>.…`: consume, purge its dead letters) and direct reply-to. No
 *   exchange: it cannot bind a queue to anything (the audit exchange, `#` on the events).
 */
export function servicePermissions(manifest: ServiceManifest) {
  const exchanges = shopExchanges();
  const writable = [
    exchanges.events,
    exchanges.commands,
    exchanges.notifications,
    exchanges.deadLetter,
  ];
  return {
    user: manifest.brokerUser,
    vhost: '/',
    configure: '^$',
    write: `^(${[...writable.map(escapeRegex), 'amq\\.default'].join('|')})$`,
    read: `^(${escapeRegex(manifest.name)}\\..+|amq\\.rabbitmq\\.reply-to)$`,
  };
}

/**
 * The broker's definitions (`deploy/rabbitmq/definitions.json`, loaded at its start): the
 * administrator and one user per service with the passwords given, their permissions and topic
 * permissions. Made by `npm run compose:setup` from `.env`; never committed.
 */
export function rabbitmqDefinitions(
  manifests: readonly ServiceManifest[],
  passwordOf: (user: string) => string,
): unknown {
  const user = (name: string, tags: string[]) => ({
    name,
    password_hash: rabbitPasswordHash(passwordOf(name)),
    hashing_algorithm: 'rabbit_password_hashing_sha256',
    tags,
  });
  return {
    users: [user(BROKER_ADMIN, ['administrator']), ...manifests.map((m) => user(m.brokerUser, []))],
    vhosts: [{ name: '/' }],
    permissions: [
      { user: BROKER_ADMIN, vhost: '/', configure: '.*', write: '.*', read: '.*' },
      ...manifests.map(servicePermissions),
    ],
    topic_permissions: manifests.map((manifest) => ({
      user: manifest.brokerUser,
      vhost: '/',
      exchange: shopExchanges().events,
      write: eventsWritePattern(manifest),
      read: '^$',
    })),
  };
}
