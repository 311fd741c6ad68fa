/**
 * `npm run prisma:generate`, and npm's `postinstall`: writes the Prisma client of every schema in
 * the workspace (each service's, and the outbox library's test schema), all at once.
 *
 * Why at install: the clients are generated code that is not committed (Prisma's output differs
 * from run to run, and it belongs to the installed Prisma version), yet every command a newcomer
 * runs after `npm ci` needs them: `npm start`, the demo, the benchmarks, the tests. Generating
 * them where the dependencies are installed keeps "set-up" one command. Nx's `prisma-generate`
 * targets do the same for one project, for builds and tests that run on their own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const PRISMA_CLI = path.join(ROOT, 'node_modules/prisma/build/index.js');

/** Every `prisma.config.ts` below `dir`, outside node_modules and generated code. */
function prismaConfigs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'generated', 'dist'].includes(entry.name) ? [] : prismaConfigs(full);
    }
    return entry.name === 'prisma.config.ts' ? [full] : [];
  });
}

async function main(): Promise<void> {
  const configs = ['apps', 'libs']
    .map((folder) => path.join(ROOT, folder))
    .filter((folder) => existsSync(folder))
    .flatMap(prismaConfigs);
  await Promise.all(
    configs.map(async (config) => {
      await run(process.execPath, [PRISMA_CLI, 'generate', '--config', config], {
        cwd: ROOT,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      });
      console.log(`prisma client generated for ${path.relative(ROOT, path.dirname(config))}`);
    }),
  );
}

main().catch((error) => {
  console.error(`prisma generate failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
