import type { ServiceManifest } from '@shopbus/service-manifest';
import {
  brokerPasswordVariableOf,
  databasePasswordVariableOf,
  databaseRoleOf,
  variablePrefixOf,
} from '@shopbus/service-manifest';

/** The image every service's container runs in docker-compose.yml. */
export const SHOP_IMAGE = 'shopbus:latest';

/** Where the services find the development CA (docker-compose.yml mounts deploy/tls/ca.crt). */
export const COMPOSE_CA_FILE = '/tls/ca.crt';

/** A secret from `.env`; compose refuses to start without it, saying how to make one. */
export const fromEnv = (name: string) => `\${${name}:?run npm run compose:setup}`;

/**
 * The broker's nodes by their compose names: `rabbitmq` alone runs by default, the `cluster`
 * profile adds the other two, which join it (docker-compose.yml).
 */
export const BROKER_NODES = ['rabbitmq', 'rabbitmq-2', 'rabbitmq-3'] as const;

/** The compose profile of the three-node broker and each service's second replica. */
export const CLUSTER_PROFILE = 'cluster';

/** A service's second replica in docker-compose.yml (cluster profile only). */
export const replicaNameOf = (manifest: ServiceManifest) => `${manifest.name}-2`;

/**
 * How a service reaches the broker and its database in docker compose: as its own broker user
 * over TLS (amqps, verified by the development CA), and as its own Postgres role over TLS
 * (sslmode=verify-full), passwords from `.env`. The URL lists every node of the cluster
 * profile, tried in order (`RABBITMQ_ADDRESS_ORDER=in-order`): the first replica starts on
 * `rabbitmq`, the only node without the profile, and the second replica on `rabbitmq-2`, so
 * the replicas of a service sit on different nodes and move on when theirs goes.
 */
export function composeConnections(
  manifest: ServiceManifest,
  replica: 1 | 2 = 1,
): Record<string, string> {
  const nodes = [...BROKER_NODES.slice(replica - 1), ...BROKER_NODES.slice(0, replica - 1)];
  const password = fromEnv(brokerPasswordVariableOf(manifest));
  return {
    RABBITMQ_URL: nodes
      .map((node) => `amqps://${manifest.brokerUser}:${password}@${node}:5671`)
      .join(','),
    RABBITMQ_ADDRESS_ORDER: 'in-order',
    [manifest.databaseUrlVariable]:
      `postgresql://${databaseRoleOf(manifest)}:${fromEnv(databasePasswordVariableOf(manifest))}` +
      `@postgres:5432/${manifest.database}?sslmode=verify-full&sslrootcert=${COMPOSE_CA_FILE}`,
  };
}

interface ComposeService {
  image?: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}

/**
 * What docker-compose.yml must say of each service for its manifest to hold, as a list of
 * disagreements (empty when it agrees): a container per manifest running the shop image with
 * SERVICE set to it, listening on its port (published on 127.0.0.1, movable by `<NAME>_PORT`),
 * its own broker user and Postgres role over TLS (`composeConnections`); a second replica in
 * the cluster profile, configured as the first but for its broker URL, publishing no port; no
 * container of the shop image without a manifest.
 */
export function composeDisagreements(
  compose: { services?: Record<string, ComposeService> },
  manifests: readonly ServiceManifest[],
): string[] {
  const services = compose.services ?? {};
  const problems: string[] = [];
  for (const manifest of manifests) {
    const service = services[manifest.name];
    if (!service) {
      problems.push(`docker-compose.yml services.${manifest.name} is missing`);
      continue;
    }
    const expect = expectationsOf(manifest.name, problems);
    const env = service.environment ?? {};
    expect('image', service.image, SHOP_IMAGE);
    expect('profiles', service.profiles, undefined);
    expect('SERVICE', env['SERVICE'], manifest.name);
    expect('PORT', env['PORT'], String(manifest.port));
    const portVariable = `${variablePrefixOf(manifest)}_PORT`;
    expect('ports', service.ports, [
      `127.0.0.1:\${${portVariable}:-${manifest.port}}:${manifest.port}`,
    ]);
    for (const [name, value] of Object.entries(composeConnections(manifest))) {
      expect(name, env[name], value);
    }
    problems.push(...replicaDisagreements(services, manifest));
  }
  // The migrate step makes each service's role with the password the service connects with.
  const migrate = services['migrate']?.environment ?? {};
  for (const manifest of manifests) {
    const variable = databasePasswordVariableOf(manifest);
    if (migrate[variable] !== fromEnv(variable)) {
      problems.push(
        `docker-compose.yml services.migrate: ${variable} is ${migrate[variable]}, expected ${fromEnv(variable)}`,
      );
    }
  }
  const known = new Set(manifests.flatMap((manifest) => [manifest.name, replicaNameOf(manifest)]));
  for (const [name, service] of Object.entries(services)) {
    // The administrator's topology step runs the shop image for every service at once.
    const provisioning = service.environment?.['BROKER_TOPOLOGY'] === 'declare-only';
    if (service.image === SHOP_IMAGE && !known.has(name) && !provisioning) {
      problems.push(
        `docker-compose.yml services.${name} runs the shop image but apps/${name}/service.json does not exist`,
      );
    }
  }
  return problems;
}

/** Collects `<where>: <what> is <actual>, expected <expected>` for each value that differs. */
function expectationsOf(name: string, problems: string[]) {
  const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(
        `docker-compose.yml services.${name}: ${what} is ${shown(actual)}, expected ${shown(expected)}`,
      );
    }
  };
}

/**
 * The second replica of a service: in the cluster profile only, the same image and settings as
 * the first but for its broker URL (its nodes in another order), and no published port (two
 * containers cannot publish one host port; the first replica is the one the demo reaches).
 */
function replicaDisagreements(
  services: Record<string, ComposeService>,
  manifest: ServiceManifest,
): string[] {
  const name = replicaNameOf(manifest);
  const replica = services[name];
  if (!replica) return [`docker-compose.yml services.${name} is missing`];
  const problems: string[] = [];
  const expect = expectationsOf(name, problems);
  const first = services[manifest.name]?.environment ?? {};
  const env = replica.environment ?? {};
  const expected = { ...first, ...composeConnections(manifest, 2) };
  expect('image', replica.image, SHOP_IMAGE);
  expect('profiles', replica.profiles, [CLUSTER_PROFILE]);
  expect('ports', replica.ports, undefined);
  for (const variable of new Set([...Object.keys(expected), ...Object.keys(env)])) {
    expect(variable, env[variable], expected[variable]);
  }
  return problems;
}
