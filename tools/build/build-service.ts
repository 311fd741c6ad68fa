/**
 * `npx nx run <service>:build`: compiles one service and the workspace libraries it runs with
 * into `dist/<service>/` with SWC (decorator metadata included, as Nest needs), keeping the
 * source layout and rewriting the `@shopbus/*` path aliases to relative imports, so that
 * `node dist/<service>/apps/<service>/src/main.js` runs with nothing but the production
 * node_modules.
 *
 * `npm run build` (no service named): every service of the workspace and the libraries, once,
 * into `dist/shop/`: what the Docker image holds, `node apps/<service>/src/main.js` for each.
 */
import { copyFile, readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { transformFile } from '@swc/core';
import { readServiceManifests } from '@shopbus/service-manifest';

const ROOT = path.join(__dirname, '../..');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory())
        return entry.name === 'test' || entry.name === 'testing' ? [] : sources(full);
      const isSource =
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.spec.ts') &&
        !entry.name.endsWith('.d.ts');
      return isSource && entry.name !== 'testing.ts' ? [full] : [];
    }),
  );
  return files.flat();
}

async function main(): Promise<void> {
  const named = process.argv[2];
  const services = named ? [named] : readServiceManifests(ROOT).map((manifest) => manifest.name);
  const { compilerOptions } = JSON.parse(
    await readFile(path.join(ROOT, 'tsconfig.base.json'), 'utf8'),
  );
  const out = path.join(ROOT, 'dist', named ?? 'shop');
  const files = [
    ...(
      await Promise.all(services.map((service) => sources(path.join(ROOT, 'apps', service, 'src'))))
    ).flat(),
    ...(await sources(path.join(ROOT, 'libs'))).filter((file) =>
      file.includes(`${path.sep}src${path.sep}`),
    ),
  ];
  // Each service reads its manifest at start.
  for (const service of services) {
    const manifest = path.join('apps', service, 'service.json');
    await mkdir(path.join(out, 'apps', service), { recursive: true });
    await copyFile(path.join(ROOT, manifest), path.join(out, manifest));
  }
  for (const file of files) {
    const { code, map } = await transformFile(file, {
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
        baseUrl: ROOT,
        paths: compilerOptions.paths,
      },
    });
    const target = path.join(out, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
  }
  console.log(
    `${services.join(', ')}: ${files.length} files compiled to ${path.relative(ROOT, out)}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
