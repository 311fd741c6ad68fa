/**
 * The shop's services as the tools see them: every `apps/<name>/service.json`, ordered by port.
 * Read by db:setup, start and the demo, so a new service is picked up with nothing to edit here.
 */
import path from 'node:path';
import {
  readServiceManifests,
  variablePrefixOf,
  type ServiceManifest,
} from '@shopbus/service-manifest';

export const WORKSPACE_ROOT = path.join(__dirname, '../..');

export const SERVICES: readonly ServiceManifest[] = readServiceManifests(WORKSPACE_ROOT);

/** The port a service listens on here: `<NAME>_PORT` if set (as compose publishes it), else its own. */
export function portOf(service: ServiceManifest, env: NodeJS.ProcessEnv = process.env): number {
  return Number(env[`${variablePrefixOf(service)}_PORT`] || service.port);
}

/** Where a tool reaches a service: `<NAME>_URL` if set, else localhost on its port. */
export function urlOf(service: ServiceManifest, env: NodeJS.ProcessEnv = process.env): string {
  return env[`${variablePrefixOf(service)}_URL`] || `http://localhost:${portOf(service, env)}`;
}
