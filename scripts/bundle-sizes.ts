/**
 * Bundle every handler of the route table with exactly the esbuild options the stack deploys
 * with (infra/bundling.ts) and print each bundle's size, raw and gzipped (the cold-start cost
 * is in the raw bytes Node parses; the gzipped figure is close to what the deployment zip holds).
 *
 *   npm run bundle-sizes            a table
 *   npm run bundle-sizes -- --json  [{ handler, routes, bytes, gzipBytes, mapBytes }]
 *
 * Exits non-zero when a handler is missing, fails to bundle, or its bundle carries esbuild's
 * dynamic-require stub (a CommonJS dependency that would throw at runtime in an ESM bundle).
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { esbuildOptions } from '../infra/bundling';
import { routeKey, routes } from '../shared/routes';

interface BundleSize {
  readonly handler: string;
  readonly routes: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
}

const dynamicRequireStub = 'Dynamic require of "';

const entryOf = (handler: string): string =>
  fileURLToPath(new URL(`../functions/${handler}.ts`, import.meta.url));

async function measure(): Promise<BundleSize[]> {
  const routeKeysByHandler = new Map<string, string[]>();
  for (const route of routes) {
    routeKeysByHandler.set(route.handler, [...(routeKeysByHandler.get(route.handler) ?? []), routeKey(route)]);
  }
  const missing = [...routeKeysByHandler.keys()].filter((handler) => !existsSync(entryOf(handler)));
  if (missing.length > 0) {
    throw new Error(`missing handler modules: ${missing.map((h) => `functions/${h}.ts`).join(', ')}`);
  }

  const outdir = await mkdtemp(join(tmpdir(), 'yijian-bundles-'));
  try {
    const sizes: BundleSize[] = [];
    // One build per handler, as NodejsFunction does: no chunk sharing between entry points.
    for (const [handler, routeKeys] of routeKeysByHandler) {
      const outfile = join(outdir, handler, 'index.mjs');
      await build({ ...esbuildOptions, entryPoints: [entryOf(handler)], outfile, logLevel: 'error' });
      const code = await readFile(outfile);
      if (code.includes(dynamicRequireStub)) {
        throw new Error(
          `functions/${handler}.ts bundles a CommonJS require() that fails in ESM at runtime: ` +
            'add the createRequire banner in infra/bundling.ts (see the comment there)',
        );
      }
      sizes.push({
        handler,
        routes: routeKeys,
        bytes: code.byteLength,
        gzipBytes: gzipSync(code, { level: 9 }).byteLength,
        mapBytes: (await stat(`${outfile}.map`)).size,
      });
    }
    return sizes;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

function printTable(sizes: readonly BundleSize[]): void {
  const rows = sizes.map((s) => [s.handler, kb(s.bytes), kb(s.gzipBytes), kb(s.mapBytes)]);
  const total = (pick: (s: BundleSize) => number) => sizes.reduce((sum, s) => sum + pick(s), 0);
  rows.push(['total', kb(total((s) => s.bytes)), kb(total((s) => s.gzipBytes)), kb(total((s) => s.mapBytes))]);
  const header = ['handler', 'KB', 'gzip KB', 'map KB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const [i, row] of rows.entries()) {
    if (i === rows.length - 1) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    console.log(line(row));
  }
  console.log(`\n${esbuildOptions.format} ${esbuildOptions.target}, minified, external ${esbuildOptions.external.join(' ')}`);
}

try {
  const sizes = await measure();
  if (process.argv.includes('--json')) console.log(JSON.stringify(sizes, null, 2));
  else printTable(sizes);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
