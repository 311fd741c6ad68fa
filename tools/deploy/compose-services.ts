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
 * How a service reaches the broker and its database in docker compose: as its own broker user
 * over TLS (amqps, verified by the development CA), and as its own Postgres role over TLS
 * (sslmode=verify-full), passwords from `.env`.
 */
export function composeConnections(manifest: ServiceManifest): Record<string, string> {
  return {
    RABBITMQ_URL: `amqps://${manifest.brokerUser}:${fromEnv(brokerPasswordVariableOf(manifest))}@rabbitmq:5671`,
    [manifest.databaseUrlVariable]:
      `postgresql://${databaseRoleOf(manifest)}:${fromEnv(databasePasswordVariableOf(manifest))}` +
      `@postgres:5432/${manifest.database}?sslmode=verify-full&sslrootcert=${COMPOSE_CA_FILE}`,
  };
}

interface ComposeService {
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
}

/**
 * What docker-compose.yml must say of each service for its manifest to hold, as a list of
 * disagreements (empty when it agrees): a container per manifest running the shop image with
 * SERVICE set to it, listening on its port (published on 127.0.0.1, movable by `<NAME>_PORT`),
 * its own broker user and Postgres role over TLS (`composeConnections`); no container of the shop image without a manifest.
 */
export function composeDisagreements(
  compose: { services?: Record<string, ComposeService> },
  manifests: readonly ServiceManifest[],
): string[] {
  const services = compose.services ?? {};
  const problems: string[] = [];
  for (const manifest of manifests) {
    const service = services[manifest.name];
    const where = `docker-compose.yml services.${manifest.name}`;
    if (!service) {
      problems.push(`${where} is missing`);
      continue;
    }
    const env = service.environment ?? {};
    const expect = (what: string, actual: unknown, expected: unknown) => {
      if (actual !== expected)
        problems.push(`${where}: ${what} is ${actual}, expected ${expected}`);
    };
    expect('image', service.image, SHOP_IMAGE);
    expect('SERVICE', env['SERVICE'], manifest.name);
    expect('PORT', env['PORT'], String(manifest.port));
    const portVariable = `${variablePrefixOf(manifest)}_PORT`;
    expect(
      'ports',
      JSON.stringify(service.ports),
      JSON.stringify([`127.0.0.1:\${${portVariable}:-${manifest.port}}:${manifest.port}`]),
    );
    for (const [name, value] of Object.entries(composeConnections(manifest))) {
      expect(name, env[name], value);
    }
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
  const known = new Set(manifests.map((manifest) => manifest.name));
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
