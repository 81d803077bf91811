/**
 * Every Lambda function's bundle (the route table's handlers and the workers), built as the stack
 * deploys it (infra/bundling.ts `bundleFunction`), one build per function (no chunk is shared
 * between functions). Used by scripts/bundle-sizes.ts and the bundle test.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleFiles, bundleFunction, handlerEntry } from '../infra/bundling';
import { allowedMethods, methodNotAllowedHandler, routeKey, routes } from '../shared/routes';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';

/** The issue's budget for one function's bundle, minified (the raw bytes Node parses at a cold start). */
export const bundleLimitBytes = 500 * 1024;

export interface LambdaBundle {
  readonly handler: string;
  /** Route keys, or the worker it runs as. */
  readonly triggers: readonly string[];
  /** Every file Node may load (the handler's module and its chunks), minified. */
  readonly bytes: number;
  /** The handler's module alone: what every cold start reads (chunks come on first use or with it). */
  readonly entryBytes: number;
  readonly files: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  /** Packages (`@aws-sdk/client-dynamodb`) and project files (`shared/data/db.ts`) in the bundle. */
  readonly inputs: ReadonlySet<string>;
}


const triggersByHandler = (): Map<string, string[]> => {
  const triggers = new Map<string, string[]>();
  for (const route of routes) triggers.set(route.handler, [...(triggers.get(route.handler) ?? []), routeKey(route)]);
  triggers.set(streamWorker.handler, ['table stream']);
  triggers.set(tallyWorker.handler, ['table stream']);
  triggers.set(scheduleWorker.handler, [`every ${scheduleWorker.everyMinutes} minutes`]);
  triggers.set(methodNotAllowedHandler, [...allowedMethods().keys()].map((path) => `ANY ${path}`));
  return triggers;
};

/** Every Lambda function's handler: the route table's and the workers'. */
export const lambdaHandlers = (): string[] => [...triggersByHandler().keys()];

/** `node_modules/@scope/name/...` -> `@scope/name`; a project file keeps its path. */
const inputName = (input: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;

/** Throws when a handler is missing or fails to bundle (infra/bundling.ts `bundleFunction` says when). */
export async function buildLambdaBundles(): Promise<LambdaBundle[]> {
  const triggers = triggersByHandler();
  const missing = [...triggers.keys()].filter((handler) => !existsSync(handlerEntry(handler)));
  if (missing.length > 0) throw new Error(`missing handler modules: ${missing.map((h) => `functions/${h}.ts`).join(', ')}`);

  const outdir = await mkdtemp(join(tmpdir(), 'yijian-bundles-'));
  try {
    const bundles: LambdaBundle[] = [];
    for (const [handler, handlerTriggers] of triggers) {
      const metafile = await bundleFunction(handlerEntry(handler), join(outdir, handler));
      const files = bundleFiles(metafile);
      const codes = await Promise.all(files.map((file) => readFile(file)));
      const maps = await Promise.all(files.map((file) => stat(`${file}.map`)));
      bundles.push({
        handler,
        triggers: handlerTriggers,
        bytes: codes.reduce((sum, code) => sum + code.byteLength, 0),
        entryBytes: codes[0]!.byteLength,
        files: files.length,
        gzipBytes: codes.reduce((sum, code) => sum + gzipSync(code, { level: 9 }).byteLength, 0),
        mapBytes: maps.reduce((sum, map) => sum + map.size, 0),
        inputs: new Set(Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs)).map(inputName)),
      });
    }
    return bundles;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
