/**
 * infra/dead-imports.ts through infra/bundling.ts's `bundleFunction`: an `import()` whose caller
 * tree-shaking removed leaves nothing in the bundle, where a single build put the code only that
 * import needed in a chunk the handler's module loads at every cold start.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction, bundleFiles, esbuildOptions } from '../../infra/bundling';
import { deadImports, reachableFiles } from '../../infra/dead-imports';

const dir = mkdtempSync(join(tmpdir(), 'yijian-dead-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A handler that uses one export of a module whose other export loads a module by import():
// tree-shaking drops that export and its import(), and what the loaded module alone needs is in
// a module the handler reaches too (as the SDK's modules re-export one another).
const sources = {
  'handler.mjs': "import { used } from './actions.mjs'; import { shared } from './lib.mjs'; export const handler = async () => ({ statusCode: 200, body: `${used()} ${shared.name}` });",
  'actions.mjs': "export const used = () => 'used'; export const unused = () => import('./attaching.mjs');",
  'attaching.mjs': "import { shared, attachingOnly } from './lib.mjs'; export const run = () => attachingOnly(shared);",
  'lib.mjs': "export const shared = { name: 'shared' }; export const attachingOnly = (s) => 'ATTACHING-ONLY:' + s.name;",
};
for (const [name, code] of Object.entries(sources)) writeFileSync(join(dir, name), code);
const entry = join(dir, 'handler.mjs');

/** The text of the files a cold start reads: the handler's module and what it imports statically. */
const coldText = (metafile: Parameters<typeof reachableFiles>[0], read: (file: string) => string): string =>
  [...reachableFiles(metafile, { staticOnly: true })].map(read).join('\n');

describe('a bundle with an import() whose caller tree-shaking removed', () => {
  it('in one build: a chunk nothing can load, and its code in what every cold start reads', async () => {
    const { metafile, outputFiles } = await build({ ...esbuildOptions, entryPoints: [entry], outdir: join(dir, 'single'), metafile: true, write: false, logLevel: 'error' });
    const text = (file: string) => outputFiles.find((f) => f.path.endsWith(file.replace(/^.*?single/, 'single')))!.text;
    expect(Object.keys(metafile.outputs).some((file) => /attaching-.*\.mjs$/.test(file))).toBe(true);
    expect(coldText(metafile, text)).toContain('ATTACHING-ONLY');
    expect([...deadImports(metafile).specifiers]).toEqual(['./attaching.mjs']);
  });

  it('from bundleFunction: nothing of it, and the handler answers as before', async () => {
    const outdir = join(dir, 'bundle');
    const metafile = await bundleFunction(entry, outdir);
    const files = bundleFiles(metafile);
    expect(files.some((file) => file.includes('attaching'))).toBe(false);
    expect(files.map((file) => readFileSync(file, 'utf8')).join('\n')).not.toContain('ATTACHING-ONLY');
    expect(coldText(metafile, (file) => readFileSync(file, 'utf8'))).toContain("name:\"shared\"");
    const { handler } = (await import(join(process.cwd(), files[0]!))) as { handler: () => Promise<unknown> };
    await expect(handler()).resolves.toEqual({ statusCode: 200, body: 'used shared' });
  });
});
