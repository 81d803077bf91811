/**
 * Per function: bundle size and cold start (see bundles.ts), every function answering a real event
 * against the bench's table — a valid request that succeeds (2xx), prepared through the gateway —
 * in the same rounds as two baselines: the bare handler, and the SDK floor (one GetItem through the
 * data layer's bundled SDK client: the floor this design can reach). Where a bundle is large or a
 * cold start slow, the bundle's composition by package says what it carries. The four functions
 * whose unfiltered answer is whole-table work start on a bounded request there, and again on the
 * whole table in rounds of their own (bench/bounded-work.ts).
 */
import { randomBytes } from 'node:crypto';
import { methodNotAllowedHandler } from '../shared/routes';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';
import { apiEvent } from './fixtures';
import { wholeTableHandlers, type WholeTableHandler } from './bounded-work';
import { expectedStatus, prepareEvents } from './function-events';
import { bareName, buildBundle, bundleComposition, coldStarts, floorName, routeHandlers, type Bundle } from './bundles';
import { round } from './measure';
import { bundleLimitBytes } from '../scripts/lambda-bundles';
import type { Desk } from './scale';

export interface FunctionsOptions {
  readonly desk: Desk;
  /** Verified claims of an office user, as API Gateway's JWT authorizer passes them. */
  readonly officeClaims: Record<string, string>;
  readonly tableName: string;
  readonly endpoint: string;
  /** The local stack's object store: the attachment functions' bucket. */
  readonly objectStore: { readonly endpoint: string; readonly bucket: string };
  readonly runs: number;
  /** Cold start over the SDK floor's. */
  readonly coldRatioTarget: number;
  /** Write a CPU profile of every measured cold start under this folder (bench/bundles.ts coldStart). */
  readonly profileDir?: string;
}

export const measureFunctions = async (options: FunctionsOptions) => {
  const { desk, runs } = options;
  const { log } = desk;
  log('bundling every function with infra/bundling.ts options');
  const bundles: Bundle[] = [];
  // The 405 function behind every path's `ANY` route is deployed too (infra/http-api.ts).
  for (const name of [...routeHandlers(), methodNotAllowedHandler]) bundles.push(await buildBundle(name));
  const baselines = { bare: await buildBundle(bareName), floor: await buildBundle(floorName) };
  // The workers' bundles count for the size budget; their cold starts are not on a request's path.
  const workers: Bundle[] = [];
  for (const worker of [streamWorker, tallyWorker, scheduleWorker]) workers.push(await buildBundle(worker.handler));

  log('cold starts: preparing one event per function');
  const { events, wholeTable, wholeTableSizes } = await prepareEvents(desk, options.officeClaims, runs);
  const eventFor = (name: string, run: number): object => {
    if (name === bareName) return apiEvent({ method: 'GET', route: '/bare', path: '/bare' });
    if (name === floorName) return apiEvent({ method: 'GET', route: '/floor', path: '/floor' });
    const event = events[name];
    if (!event) throw new Error(`no cold-start event for ${name}`);
    return event(run);
  };
  // What a deployed function finds in its environment (infra binds the table the same way);
  // nothing else of this process's environment is passed on.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TABLE_NAME: options.tableName,
    DYNAMODB_ENDPOINT: options.endpoint,
    ATTACHMENTS_BUCKET: options.objectStore.bucket,
    S3_ENDPOINT: options.objectStore.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'yijian',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    YIJIAN_RATE_LIMIT: 'off',
    // The room stays on (YIJIAN_ROOM_LIMIT at its default): public writes count their address,
    // hashed with the room secret, which locally comes from here (deployed: Secrets Manager, read
    // once per cold start, which the bench cannot reproduce).
    YIJIAN_ROOM_SECRET: randomBytes(32).toString('base64url'),
  };
  log(`cold starts: ${bundles.length} functions + the bare handler + the SDK floor, ${runs} rounds`);
  const cold = await coldStarts(bundles, baselines, eventFor, env, runs, log, options.profileDir);
  // put-directory answers after a deliberate wait (shared/services/directory.ts): its cold start
  // is also measured with the directory cache off everywhere, when no wait is needed, to show
  // what the function itself costs.
  const putDirectory = bundles.filter((b) => b.name === 'put-directory');
  const putDirectoryNoWait = putDirectory.length
    ? await coldStarts(
        putDirectory.map((b) => ({ ...b, name: 'put-directory (directory cache off: no wait)' })),
        baselines,
        (n, run) => eventFor(n.startsWith('put-directory') ? 'put-directory' : n, run),
        (n) => (n === bareName || n === floorName ? env : { ...env, YIJIAN_DIRECTORY_CACHE_MS: '0' }),
        runs,
        log,
      )
    : null;
  // The whole-table four answering their unfiltered request (the table as the rounds above left
  // it: nothing writes during these), shown beside their bounded figures, without a target.
  const sizes = await wholeTableSizes();
  const handlerOf = new Map(wholeTableHandlers.map((name) => [`${name} (${sizes[name]})`, name]));
  const wholeTableCold = await coldStarts(
    bundles.filter((b) => (wholeTableHandlers as readonly string[]).includes(b.name)).map((b) => ({ ...b, name: `${b.name} (${sizes[b.name as WholeTableHandler]})` })),
    baselines,
    (n, run) => (handlerOf.has(n) ? wholeTable[handlerOf.get(n)!](run) : eventFor(n, run)),
    env,
    runs,
    log,
  );
  log(`  bare ${cold.bare.wallMedianMs} ms; SDK floor ${cold.floor.wallMedianMs} ms; ${[...cold.functions, ...wholeTableCold.functions].map((f) => `${f.name} ${f.wallMedianMs} ms (${f.ratio}× floor)`).join('; ')}`);
  const failing = [cold.floor, ...cold.functions, ...wholeTableCold.functions].filter((f) => f.statuses.some((s) => s === undefined || (s >= 300 && s !== expectedStatus[f.name])));
  if (failing.length) log(`  WARNING: answers other than 2xx: ${failing.map((f) => `${f.name} ${f.statuses.join(',')}`).join('; ')}`);

  // What the largest bundle, any oversize one, submit's and the slowest to start carry, by package.
  const largest = [...bundles, ...workers].sort((a, b) => b.bytes - a.bytes)[0];
  const slowest = [...cold.functions].sort((a, b) => b.ratio - a.ratio)[0];
  const oversize = [...bundles, ...workers].filter((b) => b.bytes > bundleLimitBytes);
  const explain = [largest, ...oversize, ...bundles.filter((b) => b.name === 'create-submission' || b.name === slowest?.name), baselines.floor];
  const composition = Object.fromEntries([...new Set(explain)].map((b) => [b.name, bundleComposition(b)]));
  const workerBundles = workers.map((b) => ({ name: b.name, kib: round(b.bytes / 1024), gzipKib: round(b.gzipBytes / 1024) }));
  return { cold, putDirectoryNoWait, wholeTable: wholeTableCold, workerBundles, composition, environment: Object.keys(env), directoryCacheMs: 1000 };
};
