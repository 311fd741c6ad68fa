import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';

/** Every service's name, from its manifest (apps/<name>/service.json): one scope each. */
const appsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'apps');
const serviceNames = readdirSync(appsFolder)
  .filter((folder) => existsSync(path.join(appsFolder, folder, 'service.json')))
  .map(
    (folder) =>
      JSON.parse(readFileSync(path.join(appsFolder, folder, 'service.json'), 'utf8')).name,
  );

/**
 * Module boundaries, enforced: each project's tags say what it is (`type:*`) and whose it is
 * (`scope:*`), and these rules say what it may import. The point is the architecture: the
 * messaging core knows no broker, database or framework; libs never reach into apps; one
 * service never imports another (they talk through messages only).
 */
const brokerDatabaseAndFramework = [
  'amqplib',
  'pg',
  'prisma',
  '@prisma/*',
  '@nestjs/*',
  'testcontainers',
  '@testcontainers/*',
];

const boundaries = {
  enforceBuildableLibDependency: true,
  allow: [],
  depConstraints: [
    {
      sourceTag: 'type:messaging-core',
      onlyDependOnLibsWithTags: ['type:messaging-core'],
      bannedExternalImports: brokerDatabaseAndFramework,
    },
    {
      sourceTag: 'type:messaging-adapter',
      onlyDependOnLibsWithTags: ['type:messaging-core', 'type:testing'],
      bannedExternalImports: ['pg', 'prisma', '@prisma/*', '@nestjs/*'],
    },
    {
      sourceTag: 'type:messaging-nestjs',
      onlyDependOnLibsWithTags: ['type:messaging-core', 'type:messaging-adapter', 'type:testing'],
      bannedExternalImports: ['amqplib', 'pg', 'prisma', '@prisma/*'],
    },
    {
      // The outbox publishes through the core's Transport port; the broker adapter is for its tests.
      sourceTag: 'type:outbox',
      onlyDependOnLibsWithTags: [
        'type:messaging-core',
        'type:persistence',
        'type:messaging-adapter',
        'type:testing',
      ],
      bannedExternalImports: ['amqplib', '@nestjs/*'],
    },
    {
      sourceTag: 'type:persistence',
      onlyDependOnLibsWithTags: ['type:testing'],
      bannedExternalImports: ['amqplib', '@nestjs/*'],
    },
    {
      sourceTag: 'type:contracts',
      onlyDependOnLibsWithTags: ['type:messaging-core'],
      bannedExternalImports: brokerDatabaseAndFramework,
    },
    {
      // What every service shares: configuration, the shop's messaging and outbox modules, health, logs.
      sourceTag: 'type:platform',
      onlyDependOnLibsWithTags: [
        'type:messaging-core',
        'type:messaging-adapter',
        'type:messaging-nestjs',
        'type:outbox',
        'type:persistence',
        'type:contracts',
        'type:manifest',
        'type:testing',
      ],
    },
    {
      // Each service's identity (apps/<name>/service.json): read by the services and the tools.
      sourceTag: 'type:manifest',
      onlyDependOnLibsWithTags: [],
      bannedExternalImports: brokerDatabaseAndFramework,
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:messaging-core'],
    },
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: [
        'type:messaging-core',
        'type:messaging-adapter',
        'type:messaging-nestjs',
        'type:contracts',
        'type:outbox',
        'type:persistence',
        'type:platform',
        'type:manifest',
        'type:testing',
      ],
    },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    {
      // npm start, db:setup and the demo: they start the services as processes and talk to
      // them over HTTP (and, for the dead-letter part of the demo, through the library).
      sourceTag: 'type:tooling',
      onlyDependOnLibsWithTags: [
        'type:contracts',
        'type:messaging-core',
        'type:messaging-adapter',
        // bench:peers measures the handlers behind Nest's pipeline.
        'type:messaging-nestjs',
        'type:manifest',
        // The benchmarks' statistics live with the other test helpers.
        'type:testing',
      ],
    },
    {
      // The end-to-end tests run the services as processes and talk HTTP: shared libs only.
      sourceTag: 'type:e2e',
      onlyDependOnLibsWithTags: ['type:testing', 'type:manifest'],
    },
    // A service imports shared libraries and itself, never another service.
    ...serviceNames.map((name) => ({
      sourceTag: `scope:${name}`,
      onlyDependOnLibsWithTags: ['scope:shared', `scope:${name}`],
    })),
  ],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/generated'] },
  {
    files: ['**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries] },
  },
  {
    // A benchmark measures the library against plain amqplib and pg: the baselines need them.
    files: ['**/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaries,
          depConstraints: boundaries.depConstraints.map(({ bannedExternalImports, ...rule }) => ({
            ...rule,
            bannedExternalImports: bannedExternalImports?.filter(
              (name) => name !== 'amqplib' && name !== 'pg',
            ),
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
