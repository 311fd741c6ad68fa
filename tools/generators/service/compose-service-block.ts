import type { ServiceManifest } from '@shopbus/service-manifest';
import { databasePasswordVariableOf, variablePrefixOf } from '@shopbus/service-manifest';
import {
  CLUSTER_PROFILE,
  composeConnections,
  fromEnv,
  replicaNameOf,
} from '../../deploy/compose-services';

/**
 * A service's blocks in docker-compose.yml, as `deploy:check` expects them: the service, and its
 * second replica in the cluster profile (its settings, but for the broker URL, the first's).
 */
export function composeServiceBlock(manifest: ServiceManifest): string {
  const portVariable = `${variablePrefixOf(manifest)}_PORT`;
  const environment = `${manifest.name}-environment`;
  const replicaUrl = composeConnections(manifest, 2)['RABBITMQ_URL'];
  return [
    `  ${manifest.name}:`,
    '    <<: *service',
    '    ports:',
    `      - '127.0.0.1:\${${portVariable}:-${manifest.port}}:${manifest.port}'`,
    `    environment: &${environment}`,
    '      <<: *demo-settings',
    `      SERVICE: ${manifest.name}`,
    `      PORT: '${manifest.port}'`,
    ...Object.entries(composeConnections(manifest)).map(
      ([name, value]) => `      ${name}: '${value}'`,
    ),
    '',
    `  ${replicaNameOf(manifest)}:`,
    '    <<: *service',
    `    profiles: [${CLUSTER_PROFILE}]`,
    '    environment:',
    `      <<: *${environment}`,
    `      RABBITMQ_URL: '${replicaUrl}'`,
    '',
  ].join('\n');
}

/** The migrate step's line giving it the new service's role password. */
export function composeMigrateLine(manifest: ServiceManifest): string {
  const variable = databasePasswordVariableOf(manifest);
  return `      ${variable}: ${fromEnv(variable)}`;
}

/**
 * docker-compose.yml with the new service: its block before the volumes, and its role's
 * password in the migrate step after the other services' ones.
 */
export function composeWithService(compose: string, manifest: ServiceManifest): string {
  const volumes = compose.lastIndexOf('\nvolumes:\n');
  if (volumes < 0) throw new Error('docker-compose.yml has no top-level volumes: section');
  let withBlock = `${compose.slice(0, volumes)}\n${composeServiceBlock(manifest)}${compose.slice(volumes)}`;
  const lines = withBlock.split('\n');
  const last = lines.findLastIndex((line) => /^ {6}[A-Z0-9_]+_DATABASE_PASSWORD: /.test(line));
  if (last < 0) throw new Error('docker-compose.yml: the migrate step lists no role passwords');
  lines.splice(last + 1, 0, composeMigrateLine(manifest));
  withBlock = lines.join('\n');
  return withBlock;
}
