/**
 * The esbuild options every Lambda bundle is built with, declared once. The function construct
 * hands them to NodejsFunction (which runs the local esbuild) and scripts/lambda-bundles.ts hands
 * them to esbuild's API, so the sizes `npm run bundle-sizes` prints are the sizes that get deployed.
 */
import type { BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

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
 * The `require` shim banner. The bundled dependencies ship ESM (the AWS SDK through its `module`
 * entry points, middy, powertools, zod, fflate), but a CommonJS one that requires Node's own
 * modules (`fs`, `stream`, `zlib`) becomes, in an ESM bundle, esbuild's "Dynamic require of ... is
 * not supported" stub that fails at run time, unless a `require` exists in the module's scope. No
 * bundle needs it today (exceljs and archiver, which did, left with the spreadsheet writer of
 * shared/services/xlsx-writer.ts); it costs one built-in import, and keeps a CommonJS dependency
 * added later working. It is only ever called for Node's built-in modules (everything else is
 * bundled). scripts/lambda-bundles.ts (npm run bundle-sizes, the bundle test) and the stack test
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

/** Options for esbuild's JS API (scripts/lambda-bundles.ts). */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  target: nodeTarget,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  mainFields: [...mainFields],
  external: [...externalModules],
  alias: { ...credentialAlias },
  minify: true,
  // A linked .map beside the bundle, for reading a logged stack trace offline; the functions run
  // without --enable-source-maps (infra/yijian-function.ts), so it costs no cold start. Without
  // sources content it stays small and holds no source text.
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
  esbuildArgs: Object.fromEntries(Object.entries(credentialAlias).map(([name, path]) => [`--alias:${name}`, path])),
};
