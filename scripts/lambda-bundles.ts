/**
 * Every Lambda function's bundle (the route table's handlers and the workers), built with exactly
 * the esbuild options the stack deploys with (infra/bundling.ts), one build per function as
 * NodejsFunction does (no chunk sharing). Used by scripts/bundle-sizes.ts and the bundle test.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { esbuildOptions, failsOnRequire } from '../infra/bundling';
import { allowedMethods, methodNotAllowedHandler, routeKey, routes } from '../shared/routes';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';

/** The issue's budget for one function's bundle, minified (the raw bytes Node parses at a cold start). */
export const bundleLimitBytes = 500 * 1024;

/**
 * The functions that touch the attachments bucket (shared/routes.ts `bucket`: presign, attach,
 * download) carry the S3 client besides DynamoDB's: its REST-XML protocol, its checksums and the
 * presigners add about 190 KB minified (measured), which no tree-shaking removes (bench/: their cold starts).
 * Every other function leaves it out (shared/storage/client.ts is imported by these alone).
 */
export const storageBundleLimitBytes = 640 * 1024;
function bucketHandlers(): string[] {
  return [...new Set(routes.filter((route) => route.bucket?.length).map((route) => route.handler))];
}

/**
 * The functions allowed more, each with its reason. The spreadsheet exports are not among them:
 * their writer (shared/services/xlsx-writer.ts) adds about 20 KB (measured) to the SDK.
 */
export const bundleLimitExceptions: Readonly<Record<string, number>> = Object.fromEntries(
  bucketHandlers().map((handler) => [handler, storageBundleLimitBytes]),
);

/** A function's budget: the issue's, unless an exception above names it. */
export const bundleLimitOf = (handler: string): number => bundleLimitExceptions[handler] ?? bundleLimitBytes;

export interface LambdaBundle {
  readonly handler: string;
  /** Route keys, or the worker it runs as. */
  readonly triggers: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  /** Packages (`@aws-sdk/client-dynamodb`) and project files (`shared/data/db.ts`) in the bundle. */
  readonly inputs: ReadonlySet<string>;
}


const entryOf = (handler: string): string => fileURLToPath(new URL(`../functions/${handler}.ts`, import.meta.url));

const triggersByHandler = (): Map<string, string[]> => {
  const triggers = new Map<string, string[]>();
  for (const route of routes) triggers.set(route.handler, [...(triggers.get(route.handler) ?? []), routeKey(route)]);
  triggers.set(streamWorker.handler, ['table stream']);
  triggers.set(tallyWorker.handler, ['table stream']);
  triggers.set(scheduleWorker.handler, [`every ${scheduleWorker.everyMinutes} minutes`]);
  triggers.set(methodNotAllowedHandler, [...allowedMethods().keys()].map((path) => `ANY ${path}`));
  return triggers;
};

/** `node_modules/@scope/name/...` -> `@scope/name`; a project file keeps its path. */
const inputName = (input: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;

/**
 * Throws when a handler is missing, fails to bundle, or its bundle carries esbuild's dynamic-require
 * stub (a CommonJS dependency that would throw at runtime in an ESM bundle).
 */
export async function buildLambdaBundles(): Promise<LambdaBundle[]> {
  const triggers = triggersByHandler();
  const missing = [...triggers.keys()].filter((handler) => !existsSync(entryOf(handler)));
  if (missing.length > 0) throw new Error(`missing handler modules: ${missing.map((h) => `functions/${h}.ts`).join(', ')}`);

  const outdir = await mkdtemp(join(tmpdir(), 'yijian-bundles-'));
  try {
    const bundles: LambdaBundle[] = [];
    for (const [handler, handlerTriggers] of triggers) {
      const outfile = join(outdir, handler, 'index.mjs');
      const result = await build({ ...esbuildOptions, entryPoints: [entryOf(handler)], outfile, metafile: true, logLevel: 'error' });
      const code = await readFile(outfile);
      if (failsOnRequire(code.toString('utf8'))) {
        throw new Error(
          `functions/${handler}.ts bundles a CommonJS require() that fails in ESM at runtime: ` +
            'add the createRequire banner in infra/bundling.ts (see the comment there)',
        );
      }
      const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
      bundles.push({
        handler,
        triggers: handlerTriggers,
        bytes: code.byteLength,
        gzipBytes: gzipSync(code, { level: 9 }).byteLength,
        mapBytes: (await stat(`${outfile}.map`)).size,
        inputs: new Set(Object.keys(output.inputs).map(inputName)),
      });
    }
    return bundles;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
