import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseServiceManifest, type ServiceManifest } from './service-manifest';

/** The manifest of the service in `appDirectory` (its `service.json`). */
export function readServiceManifest(appDirectory: string): ServiceManifest {
  const file = path.join(appDirectory, 'service.json');
  const manifest = parseServiceManifest(JSON.parse(readFileSync(file, 'utf8')), file);
  if (manifest.name !== path.basename(appDirectory)) {
    throw new Error(`${file}: name "${manifest.name}" differs from its folder`);
  }
  return manifest;
}

/**
 * Every service of the workspace: each `apps/<name>/service.json`, ordered by port. Checks what
 * one manifest cannot: no two services share a port, a database, a variable or a broker user.
 */
export function readServiceManifests(workspaceRoot: string): ServiceManifest[] {
  const apps = path.join(workspaceRoot, 'apps');
  const manifests = readdirSync(apps, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(path.join(apps, entry.name, 'service.json')),
    )
    .map((entry) => readServiceManifest(path.join(apps, entry.name)))
    .sort((a, b) => a.port - b.port);
  for (const field of ['port', 'database', 'databaseUrlVariable', 'brokerUser'] as const) {
    const seen = new Map<unknown, string>();
    for (const manifest of manifests) {
      const other = seen.get(manifest[field]);
      if (other) throw new Error(`${other} and ${manifest.name} share ${field} ${manifest[field]}`);
      seen.set(manifest[field], manifest.name);
    }
  }
  return manifests;
}
