/**
 * `npx nx g @shopbus/tools:service <name> [--port N]`: a new service of the shop that lints,
 * typechecks, tests and starts as it is. It writes the service's manifest (apps/<name>/service.json,
 * which db:setup, start, the demo's port map, the e2e harness and lint's boundary rules read),
 * the Nest app on the shared platform, a Prisma schema linked to the outbox's one definition with
 * its init migration, a test against a real broker and database, its docker-compose block, and
 * its secrets in .env.example (`npm run compose:setup` then makes them on each machine), and
 * regenerates the Kubernetes manifests (deploy/k8s).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatFiles, generateFiles, names, type GeneratorCallback, type Tree } from '@nx/devkit';
import {
  databaseUrlOf,
  parseServiceManifest,
  variablePrefixOf,
  type ServiceManifest,
} from '@shopbus/service-manifest';
import { envExample } from '../../deploy/compose-env';
import { kubernetesManifests } from '../../deploy/kubernetes-manifests';
import { composeWithService } from './compose-service-block';

export interface ServiceGeneratorOptions {
  name: string;
  port?: number;
}

function existingManifests(tree: Tree): ServiceManifest[] {
  return tree
    .children('apps')
    .filter((folder) => tree.exists(`apps/${folder}/service.json`))
    .map((folder) => {
      const file = `apps/${folder}/service.json`;
      return parseServiceManifest(JSON.parse(tree.read(file, 'utf8') as string), file);
    });
}

export async function serviceGenerator(
  tree: Tree,
  options: ServiceGeneratorOptions,
): Promise<GeneratorCallback> {
  const others = existingManifests(tree);
  const root = `apps/${options.name}`;
  if (tree.exists(root)) throw new Error(`${root} exists already`);
  const variablePrefix = variablePrefixOf(options);
  const manifest = parseServiceManifest(
    {
      name: options.name,
      port: options.port ?? Math.max(3000, ...others.map((other) => other.port)) + 1,
      database: `shop_${options.name.replaceAll('-', '_')}`,
      databaseUrlVariable: `${variablePrefix}_DATABASE_URL`,
      brokerUser: options.name,
      queues: [],
    },
    `the new service ${options.name}`,
  );
  const clash = others.find((other) => other.port === manifest.port);
  if (clash) throw new Error(`port ${manifest.port} is ${clash.name}'s`);

  generateFiles(tree, path.join(__dirname, 'files'), root, {
    ...names(options.name),
    ...manifest,
    template: '',
  });
  tree.write(`${root}/service.json`, `${JSON.stringify(manifest, null, 2)}\n`);

  const all = [...others, manifest].sort((a, b) => a.port - b.port);
  tree.write('.env.example', envExample(all));
  tree.write(
    'docker-compose.yml',
    composeWithService(tree.read('docker-compose.yml', 'utf8') as string, manifest),
  );
  await formatFiles(tree);
  // After formatting: deploy:check compares these byte for byte with what it generates.
  for (const [file, text] of Object.entries(kubernetesManifests(all))) tree.write(file, text);

  // After the files are on disk: what a Tree cannot hold (a symbolic link) and what Prisma
  // derives from the schema (the init migration, the generated client).
  return () => {
    const workspace = tree.root;
    const schemaDir = path.join(workspace, root, 'prisma', 'schema');
    symlinkSync(
      path.relative(schemaDir, path.join(workspace, 'libs/messaging/outbox/prisma/outbox.prisma')),
      path.join(schemaDir, 'outbox.prisma'),
    );
    // Prisma's JS schema engine wants a live connection even to diff a schema against nothing:
    // it gets the server's maintenance database, which the diff neither reads nor changes.
    const maintenance = new URL(databaseUrlOf(manifest));
    maintenance.pathname = '/postgres';
    const env = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      [manifest.databaseUrlVariable]: maintenance.toString(),
    };
    const prisma = (...args: string[]) =>
      execFileSync(
        process.execPath,
        [path.join(workspace, 'node_modules/prisma/build/index.js'), ...args],
        { cwd: workspace, encoding: 'utf8', env },
      );
    const config = path.join(workspace, root, 'prisma.config.ts');
    const migration = path.join(workspace, root, 'prisma', 'migrations', `${timestamp()}_init`);
    mkdirSync(migration, { recursive: true });
    writeFileSync(
      path.join(migration, 'migration.sql'),
      prisma(
        'migrate',
        'diff',
        '--config',
        config,
        '--from-empty',
        '--to-schema-datamodel',
        schemaDir,
        '--script',
      ),
    );
    prisma('generate', '--config', config);
  };
}

/** Prisma's migration folder prefix: YYYYMMDDHHMMSS, in UTC. */
function timestamp(): string {
  return new Date().toISOString().replace(/\D/g, '').slice(0, 14);
}

export default serviceGenerator;
