import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ServiceManifest } from '@shopbus/service-manifest';
import { shopOperatorTokens } from './operator-token';
import { WORKSPACE_ROOT } from './services';

/**
 * Starts one service as its own process, exactly as `npm start` runs it (TypeScript through
 * SWC, no build), with `env` on top of this process's environment; every line it writes goes to
 * `output`. `nodeOptions` go before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 * Its operators are the tools' own (see operator-token.ts) unless `env` names others.
 */
export function spawnService(
  service: ServiceManifest,
  env: NodeJS.ProcessEnv,
  output: (line: string) => void,
  nodeOptions: readonly string[] = [],
): ChildProcess {
  const child = spawn(
    process.execPath,
    [...nodeOptions, '-r', '@swc-node/register', path.join('apps', service.name, 'src', 'main.ts')],
    {
      cwd: WORKSPACE_ROOT,
      env: {
        ...process.env,
        OPERATOR_TOKENS: shopOperatorTokens({ ...process.env, ...env }),
        ...env,
        SWC_NODE_PROJECT: path.join('apps', service.name, 'tsconfig.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) output(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}
