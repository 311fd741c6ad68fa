/**
 * `npm run deploy:generate` writes the deployment files that follow from the services'
 * manifests (apps/<name>/service.json); `npm run deploy:check` (run by CI) fails when any of
 * them, or docker-compose.yml's service blocks, disagrees with the manifests.
 *
 *   .env.example   every secret docker compose reads from .env (a broker user and a Postgres
 *                  role per service, …), without values
 *   deploy/k8s/    the shop on Kubernetes (kustomize), validated against the APIs' schemas
 *
 * The secrets themselves, the broker's definitions and the TLS certificates are made on each
 * machine by `npm run compose:setup` (tools/deploy/compose-setup.ts) and never committed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readServiceManifests } from '@shopbus/service-manifest';
import { parse } from 'yaml';
import { envExample } from './compose-env';
import { composeDisagreements } from './compose-services';
import { kubernetesManifests } from './kubernetes-manifests';
import { validateKubernetesYaml } from './validate-kubernetes';

const ROOT = path.join(__dirname, '../..');

async function main(mode: string | undefined): Promise<void> {
  if (mode !== 'generate' && mode !== 'check') {
    console.error('usage: deploy-files generate|check');
    process.exit(2);
  }
  const manifests = readServiceManifests(ROOT);
  const files: Record<string, string> = {
    '.env.example': envExample(manifests),
    ...kubernetesManifests(manifests),
  };
  const problems: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(ROOT, file);
    if (mode === 'generate') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
      console.log(`wrote ${file}`);
    } else if (!existsSync(target) || readFileSync(target, 'utf8') !== content) {
      problems.push(`${file} differs from what the manifests give (npm run deploy:generate)`);
    }
    if (file.endsWith('.yaml')) problems.push(...(await validateKubernetesYaml(file, content)));
  }
  // merge: the services share their settings through YAML merge keys (`<<: *service`).
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  });
  problems.push(...composeDisagreements(compose, manifests));
  if (problems.length > 0) {
    console.error(problems.map((problem) => `- ${problem}`).join('\n'));
    process.exit(1);
  }
  if (mode === 'check') {
    console.log(
      `deployment files agree with ${manifests.length} service manifests; the Kubernetes manifests validate`,
    );
  }
}

void main(process.argv[2]);
