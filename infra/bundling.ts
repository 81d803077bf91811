/**
 * The esbuild options every Lambda bundle is built with, declared once. The function construct
 * hands them to NodejsFunction (which runs the local esbuild) and scripts/bundle-sizes.ts hands
 * them to esbuild's API, so the sizes that script prints are the sizes that get deployed.
 */
import type { BuildOptions } from 'esbuild';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Keep in step with the runtime in infra/yijian-function.ts (a test checks they agree). */
export const nodeTarget = 'node24';

/**
 * The Lambda Node.js runtime ships AWS SDK v3, so bundling it would only add cold-start bytes.
 * Powertools and middy are not in the runtime and are bundled (they tree-shake well).
 */
export const externalModules: readonly string[] = ['@aws-sdk/*'];

/** Prefer packages' ESM entry points: they tree-shake, their CJS twins mostly do not. */
export const mainFields: readonly string[] = ['module', 'main'];

/**
 * No `require` shim banner: every bundled dependency (middy, powertools, zod) ships ESM,
 * so the output contains no `require()`. If a CommonJS dependency ever slips in, esbuild emits a
 * "Dynamic require of ... is not supported" stub that fails at runtime; scripts/bundle-sizes.ts
 * refuses such bundles. The fix is then this banner:
 *   import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
 */
export const banner: string | undefined = undefined;

/** Options for esbuild's JS API (scripts/bundle-sizes.ts). */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  target: nodeTarget,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  mainFields: [...mainFields],
  external: [...externalModules],
  minify: true,
  // A linked .map beside the bundle, read only when NODE_OPTIONS=--enable-source-maps needs a
  // stack trace; without sources content it stays small and holds no source text.
  sourcemap: 'linked',
  sourcesContent: false,
  ...(banner === undefined ? {} : { banner: { js: banner } }),
} as const satisfies BuildOptions;

/** The same options in NodejsFunction's vocabulary (it always bundles with platform=node). */
export const lambdaBundling: BundlingOptions = {
  forceDockerBundling: false,
  target: esbuildOptions.target,
  format: OutputFormat.ESM,
  mainFields: esbuildOptions.mainFields,
  externalModules: esbuildOptions.external,
  minify: esbuildOptions.minify,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: esbuildOptions.sourcesContent,
  ...(banner === undefined ? {} : { banner }),
};
