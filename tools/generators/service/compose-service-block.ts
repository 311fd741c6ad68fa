import type { ServiceManifest } from '@shopbus/service-manifest';
import { demoBrokerPassword } from '../../deploy/rabbitmq-definitions';

/** A service's block in docker-compose.yml, as `deploy:check` expects it. */
export function composeServiceBlock(manifest: ServiceManifest): string {
  const portVariable = `${manifest.name.toUpperCase().replaceAll('-', '_')}_PORT`;
  const user = manifest.brokerUser;
  return [
    `  ${manifest.name}:`,
    '    <<: *service',
    '    ports:',
    `      - '127.0.0.1:\${${portVariable}:-${manifest.port}}:${manifest.port}'`,
    '    environment:',
    '      <<: *demo-settings',
    `      SERVICE: ${manifest.name}`,
    `      PORT: '${manifest.port}'`,
    `      RABBITMQ_URL: amqp://${user}:${demoBrokerPassword(user)}@rabbitmq:5672`,
    `      ${manifest.databaseUrlVariable}: postgresql://postgres@postgres:5432/${manifest.database}`,
    '',
  ].join('\n');
}
