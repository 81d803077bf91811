/**
 * Bundle every function (scripts/lambda-bundles.ts: the route table's handlers and the workers)
 * as the stack deploys it (infra/bundling.ts) and print each bundle's size, raw and gzipped (the
 * cold-start cost is in the raw bytes Node parses; the gzipped figure is close to what the
 * deployment zip holds): all its files, and the handler's module alone (without the chunks it
 * loads on first use).
 *
 *   npm run bundle-sizes            a table
 *   npm run bundle-sizes -- --json  [{ handler, triggers, bytes, entryBytes, files, gzipBytes, mapBytes }]
 *
 * Exits non-zero when a handler is missing, fails to bundle, its bundle carries esbuild's
 * dynamic-require stub (a CommonJS dependency that would throw at runtime in an ESM bundle), or a
 * bundle is over the budget (bundleLimitBytes, all its files together).
 */
import { esbuildOptions } from '../infra/bundling';
import { bundleLimitBytes, buildLambdaBundles, type LambdaBundle } from './lambda-bundles';

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

function printTable(sizes: readonly LambdaBundle[]): void {
  const rows = sizes.map((s) => [s.handler, kb(s.bytes), kb(s.entryBytes), kb(s.gzipBytes), kb(s.mapBytes)]);
  const total = (pick: (s: LambdaBundle) => number) => sizes.reduce((sum, s) => sum + pick(s), 0);
  rows.push(['total', kb(total((s) => s.bytes)), kb(total((s) => s.entryBytes)), kb(total((s) => s.gzipBytes)), kb(total((s) => s.mapBytes))]);
  const header = ['handler', 'KB', 'module KB', 'gzip KB', 'map KB'];
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
  console.log(`\n${esbuildOptions.format} ${esbuildOptions.target}, minified, ${external}; budget ${kb(bundleLimitBytes)} KB per bundle (all its files)`);
}

try {
  const sizes = await buildLambdaBundles();
  if (process.argv.includes('--json')) console.log(JSON.stringify(sizes.map(({ inputs: _, ...size }) => size), null, 2));
  else printTable(sizes);
  const over = sizes.filter((s) => s.bytes > bundleLimitBytes);
  if (over.length > 0) throw new Error(`over budget: ${over.map((s) => `${s.handler} ${kb(s.bytes)} KB > ${kb(bundleLimitBytes)} KB`).join(', ')}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
