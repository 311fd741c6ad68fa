/**
 * `npm run profile:summary -- <folder>`: where each service's CPU went, from the `.cpuprofile`
 * files `npm run bench:shop -- --profile <folder>` makes. Per profile: the busy time sampled
 * (idle left out, start-up — loading and compiling modules — counted apart), the share of each
 * owner (an npm package, a workspace project, Node itself, wasm, garbage collection) by self
 * time and by inclusive time (a sample counts for every owner on its stack), and the functions
 * with the most self time.
 *
 *   npm run profile:summary -- /tmp/prof [--top 15]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '15' } },
});

/** Who a frame belongs to: `@prisma/client`, `libs/messaging/core`, `apps/order`, `node`, … */
function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName.startsWith('(')) return functionName;
    return 'V8/native';
  }
  if (url.startsWith('wasm://')) return 'wasm';
  if (url.startsWith('node:')) return 'node';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const workspace = /\/(libs\/[^/]+(?:\/(?!src\/)[^/]+)?|apps\/[^/]+|tools)\//.exec(url);
  if (workspace) {
    // A service's generated Prisma client is Prisma's code, not the service's.
    return url.includes('/generated/prisma/') ? 'generated prisma client' : workspace[1];
  }
  return url;
}

const STARTUP =
  /^(Module\._compile|Module\._load|compileFunction|wrapSafe|compileSourceTextModule)$/;

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let startup = 0;
  const add = (map: Map<string, number>, key: string, ms: number) =>
    map.set(key, (map.get(key) ?? 0) + ms);

  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) stack.push(node);
    }
    if (stack.some((node) => STARTUP.test(node.callFrame.functionName))) {
      startup += ms;
      return;
    }
    busy += ms;
    add(self, ownerOf(leaf.callFrame), ms);
    for (const owner of new Set(stack.map((node) => ownerOf(node.callFrame)))) {
      add(inclusive, owner, ms);
    }
    const { functionName, url, lineNumber } = leaf.callFrame;
    add(
      functions,
      `${functionName || '(anonymous)'} ${ownerOf(leaf.callFrame)}:${url ? lineNumber + 1 : ''}`,
      ms,
    );
  });

  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const ranked = (map: Map<string, number>, count: number) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  console.log(
    `\n## ${path.basename(file)}: ${(busy / 1000).toFixed(1)} s busy after start-up ` +
      `(start-up ${(startup / 1000).toFixed(1)} s)`,
  );
  console.log('\nowner                                   self   inclusive');
  for (const [owner, ms] of ranked(self, top)) {
    console.log(`${owner.padEnd(36)} ${pct(ms)}   ${pct(inclusive.get(owner) ?? 0)}`);
  }
  console.log('\nfunctions by self time');
  for (const [name, ms] of ranked(functions, top)) console.log(`${pct(ms)}  ${name}`);
}

function main(): void {
  const [folder] = positionals;
  if (!folder) throw new Error('usage: npm run profile:summary -- <folder of .cpuprofile files>');
  const files = readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'));
  if (!files.length) throw new Error(`no .cpuprofile files in ${folder}`);
  for (const name of files.sort()) summarise(path.join(folder, name), Number(options.top));
}

main();
