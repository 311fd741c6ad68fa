import type { ServiceManifest } from '@shopbus/service-manifest';
import { demoBrokerPassword } from './rabbitmq-definitions';

/** The image every service's container runs in docker-compose.yml. */
export const SHOP_IMAGE = 'shopbus:latest';

interface ComposeService {
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
}

/**
 * What docker-compose.yml must say of each service for its manifest to hold, as a list of
 * disagreements (empty when it agrees): a container per manifest running the shop image with
 * SERVICE set to it, listening on its port (published on 127.0.0.1, movable by `<NAME>_PORT`),
 * its own broker user, and its database; no container of the shop image without a manifest.
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
    const portVariable = `${manifest.name.toUpperCase().replaceAll('-', '_')}_PORT`;
    expect(
      'ports',
      JSON.stringify(service.ports),
      JSON.stringify([`127.0.0.1:\${${portVariable}:-${manifest.port}}:${manifest.port}`]),
    );
    expect(
      'RABBITMQ_URL',
      env['RABBITMQ_URL'],
      `amqp://${manifest.brokerUser}:${demoBrokerPassword(manifest.brokerUser)}@rabbitmq:5672`,
    );
    expect(
      manifest.databaseUrlVariable,
      env[manifest.databaseUrlVariable],
      `postgresql://postgres@postgres:5432/${manifest.database}`,
    );
  }
  const known = new Set(manifests.map((manifest) => manifest.name));
  for (const [name, service] of Object.entries(services)) {
    if (service.image === SHOP_IMAGE && !known.has(name)) {
      problems.push(
        `docker-compose.yml services.${name} runs the shop image but apps/${name}/service.json does not exist`,
      );
    }
  }
  return problems;
}
