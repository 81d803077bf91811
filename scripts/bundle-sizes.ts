/**
 * Bundle every function (scripts/lambda-bundles.ts: the route table's handlers and the workers)
 * with exactly the esbuild options the stack deploys with (infra/bundling.ts) and print each
 * bundle's size, raw and gzipped (the cold-start cost is in the raw bytes Node parses; the gzipped
 * figure is close to what the deployment zip holds).
 *
 *   npm run bundle-sizes            a table
 *   npm run bundle-sizes -- --json  [{ handler, triggers, bytes, gzipBytes, mapBytes }]
 *
 * Exits non-zero when a handler is missing, fails to bundle, its bundle carries esbuild's
 * dynamic-require stub (a CommonJS dependency that would throw at runtime in an ESM bundle), or a
 * bundle is over its budget (bundleLimitOf).
 */
import { esbuildOptions } from '../infra/bundling';
import { bundleLimitBytes, bundleLimitExceptions, bundleLimitOf, buildLambdaBundles, type LambdaBundle } from './lambda-bundles';

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

function printTable(sizes: readonly LambdaBundle[]): void {
  const rows = sizes.map((s) => [s.handler, kb(s.bytes), kb(s.gzipBytes), kb(s.mapBytes)]);
  const total = (pick: (s: LambdaBundle) => number) => sizes.reduce((sum, s) => sum + pick(s), 0);
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
  const external = esbuildOptions.external.length > 0 ? `external ${esbuildOptions.external.join(' ')}` : 'nothing external';
  console.log(`\n${esbuildOptions.format} ${esbuildOptions.target}, minified, ${external}; budget ${kb(bundleLimitBytes)} KB per bundle${Object.entries(bundleLimitExceptions).map(([h, b]) => `, ${h} ${kb(b)} KB`).join('')}`);
}

try {
  const sizes = await buildLambdaBundles();
  if (process.argv.includes('--json')) console.log(JSON.stringify(sizes.map(({ inputs: _, ...size }) => size), null, 2));
  else printTable(sizes);
  const over = sizes.filter((s) => s.bytes > bundleLimitOf(s.handler));
  if (over.length > 0) throw new Error(`over budget: ${over.map((s) => `${s.handler} ${kb(s.bytes)} KB > ${kb(bundleLimitOf(s.handler))} KB`).join(', ')}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
