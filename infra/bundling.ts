/**
 * Every Lambda bundle is built here, once, with esbuild's API: the stack deploys what
 * `bundleFunction` writes (infra/yijian-function.ts), and the bundle test, `npm run bundle-sizes`
 * and the bench measure the same function, so the sizes and cold starts they print are those of
 * the deployed code. (Not NodejsFunction: it runs esbuild's command line, which takes no plugin
 * and no code splitting.)
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { deadImports, isHandlerModule, leaveOut, reachableFiles } from './dead-imports';
import { sdkBarrels } from './sdk-barrels';
import { sdkEventStreams } from './sdk-event-streams';
import { sdkSchemaKeys } from './sdk-schema-keys';

/** Keep in step with the runtime in infra/yijian-function.ts (a test checks they agree). */
export const nodeTarget = 'node24';

/**
 * Nothing is left external: the AWS SDK (DynamoDB, SES) is bundled with everything else, so the
 * deployed code is exactly the code the tests ran (not the runtime's copy of the SDK, whose version
 * the deployment does not choose), and minified it also loads faster than the runtime's copy.
 */
export const externalModules: readonly string[] = [];

/** Prefer packages' ESM entry points: they tree-shake, their CJS twins mostly do not. */
export const mainFields: readonly string[] = ['module', 'main'];

/**
 * The `require` shim banner. Most bundled dependencies ship ESM (the AWS SDK through its `module`
 * entry points, middy, powertools, zod), but a CommonJS one that requires Node's own modules
 * (`fs`, `stream`, `zlib`) becomes, in an ESM bundle, esbuild's "Dynamic require of ... is not
 * supported" stub that fails at run time, unless a `require` exists in the module's scope: yazl,
 * the spreadsheet exports' zip writer (shared/services/xlsx-writer.ts), is such a one. It costs one
 * built-in import per file. It is only ever called for Node's built-in modules (everything else
 * is bundled). scripts/lambda-bundles.ts (npm run bundle-sizes, the bundle test) and the stack test
 * refuse a bundle whose stub would find no `require` (`failsOnRequire`).
 */
export const banner: string | undefined = "import { createRequire as __yijianCreateRequire } from 'node:module'; const require = __yijianCreateRequire(import.meta.url);";

/**
 * Whether bundled code would fail at run time on a CommonJS `require` of one of Node's modules:
 * it carries esbuild's dynamic-require stub and no `require` (the banner) for the stub to use.
 */
export const failsOnRequire = (code: string): boolean => code.includes('Dynamic require of "') && (banner === undefined || !code.startsWith(banner));

/**
 * The credential chain every AWS SDK client imports, replaced in the bundles by the environment
 * provider alone: on Lambda the role's credentials are in the environment and nothing else in the
 * chain can answer (the reason, and what it saves as measured, in shared/lambda-credentials.ts).
 */
export const credentialAlias: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../shared/lambda-credentials.ts', import.meta.url)),
};

/** yazl's checksum on Node's native CRC-32 (the reason in shared/native-crc32.ts). */
export const crc32Alias: Readonly<Record<string, string>> = {
  'buffer-crc32': fileURLToPath(new URL('../shared/native-crc32.ts', import.meta.url)),
};

/**
 * The options every function's bundle is built with: ESM, minified, nothing external, the SDK's
 * schemas tree-shaken (infra/sdk-schema-keys.ts), the event-stream serde no request uses left
 * out (infra/sdk-event-streams.ts), each name the SDK takes from an index of its core imported from
 * its file (infra/sdk-barrels.ts), and split: what a function loads only on some
 * requests (`import()`: the S3 client of the functions that attach uploads, loaded on the first
 * request that names one) is a chunk beside the handler's module, which a cold start that does
 * not need it never reads or parses. A function's bundle is its folder: `index.mjs` and
 * `chunks/`, and its size is every file's (scripts/lambda-bundles.ts).
 */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  target: nodeTarget,
  format: 'esm',
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  mainFields: [...mainFields],
  external: [...externalModules],
  alias: { ...credentialAlias, ...crc32Alias },
  // sdkSchemaKeys first: the schema modules it rewrites are left to it (their one index, the
  // schemas', is needed whole wherever a client is).
  plugins: [sdkSchemaKeys, sdkEventStreams, sdkBarrels],
  minify: true,
  // A linked .map beside each file, for reading a logged stack trace offline; the functions run
  // without --enable-source-maps (infra/yijian-function.ts), so it costs no cold start. Without
  // sources content it stays small and holds no source text.
  sourcemap: 'linked',
  sourcesContent: false,
  ...(banner === undefined ? {} : { banner: { js: banner } }),
} as const satisfies BuildOptions;

/** `functions/<handler>.ts`, the module that exports `handler`. */
export const handlerEntry = (handler: string): string => fileURLToPath(new URL(`../functions/${handler}.ts`, import.meta.url));

/**
 * Builds one function's bundle into `outdir` (`index.mjs`, `chunks/`, their maps): the one build
 * the stack deploys (infra/yijian-function.ts runs scripts/bundle-function.ts at synthesis), the
 * bundle test checks (scripts/lambda-bundles.ts) and the bench starts (bench/bundles.ts). Throws
 * when a file would fail on a CommonJS `require` at run time (`failsOnRequire`). Returns the
 * metafile of the files kept.
 *
 * Built twice: the first build, not written, finds the `import()`s whose code tree-shaking removed
 * (infra/dead-imports.ts says what they cost), and the second leaves them out. A file no file of
 * the bundle imports would still be removed.
 */
export const bundleFunction = async (entry: string, outdir: string): Promise<Metafile> => {
  // The first build only needs to see which import()s lose their caller: the SDK's imports as written do.
  const firstPlugins = esbuildOptions.plugins.filter((plugin) => plugin !== sdkBarrels);
  const first = await build({ ...esbuildOptions, plugins: firstPlugins, entryPoints: [entry], outdir, metafile: true, logLevel: 'error', write: false, sourcemap: false });
  const plugins = [leaveOut(deadImports(first.metafile)), ...esbuildOptions.plugins];
  const { metafile } = await build({ ...esbuildOptions, plugins, entryPoints: [entry], outdir, metafile: true, logLevel: 'error' });
  const reachable = reachableFiles(metafile);
  for (const file of Object.keys(metafile.outputs).filter((f) => f.endsWith('.mjs') && !reachable.has(f))) {
    await rm(file);
    await rm(`${file}.map`, { force: true });
  }
  const kept = Object.fromEntries(Object.entries(metafile.outputs).filter(([file]) => reachable.has(file.replace(/\.map$/, ''))));
  for (const file of Object.keys(kept).filter((f) => f.endsWith('.mjs'))) {
    if (failsOnRequire(await readFile(file, 'utf8'))) {
      throw new Error(`${entry} bundles a CommonJS require() that fails in ESM at run time: add the createRequire banner (see \`banner\` above)`);
    }
  }
  return { ...metafile, outputs: kept };
};

/** The files of a bundle's metafile that Node loads (`.mjs`), the handler's module first. */
export const bundleFiles = (metafile: Metafile): string[] =>
  Object.keys(metafile.outputs)
    .filter((file) => file.endsWith('.mjs'))
    .sort((a, b) => Number(isHandlerModule(b)) - Number(isHandlerModule(a)));
