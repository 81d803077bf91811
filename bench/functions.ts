/**
 * Per function: bundle size and cold start (see bundles.ts), every function answering a real event
 * against the bench's table — a valid request that succeeds (2xx), prepared through the gateway —
 * in the same rounds as two baselines: the bare handler, and the SDK floor (one GetItem through the
 * data layer's bundled SDK client: the floor this design can reach). Where a bundle is large or a
 * cold start slow, the bundle's composition by package says what it carries.
 */
import { routes } from '../shared/routes';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';
import { apiEvent, submissionBody } from './fixtures';
import { bareName, buildBundle, bundleComposition, coldStarts, floorName, routeHandlers, type Bundle } from './bundles';
import { round } from './measure';
import { expectStatus, submit, type Desk, type Receipt } from './scale';

export interface FunctionsOptions {
  readonly desk: Desk;
  /** Verified claims of an office user, as API Gateway's JWT authorizer passes them. */
  readonly officeClaims: Record<string, string>;
  readonly tableName: string;
  readonly endpoint: string;
  readonly runs: number;
  /** Cold start over the SDK floor's. */
  readonly coldRatioTarget: number;
  readonly bundleKiBTarget: number;
  /** Write a CPU profile of every measured cold start under this folder (bench/bundles.ts coldStart). */
  readonly profileDir?: string;
}

export const measureFunctions = async (options: FunctionsOptions) => {
  const { desk, runs } = options;
  const { log, http, auth } = desk;
  log('bundling every function with infra/bundling.ts options');
  const bundles: Bundle[] = [];
  for (const name of routeHandlers()) bundles.push(await buildBundle(name));
  const baselines = { bare: await buildBundle(bareName), floor: await buildBundle(floorName) };
  // The workers' bundles count for the size budget; their cold starts are not on a request's path.
  const workers: Bundle[] = [];
  for (const worker of [streamWorker, tallyWorker, scheduleWorker]) workers.push(await buildBundle(worker.handler));

  log('cold starts: preparing one event per function');
  const tracked = await submit(desk);
  const staffItem = await submit(desk);
  const practice = await submit(desk, { ...submissionBody('u20'), kind: 'practice', title: '推广“周五夜学”经验' });
  // Rating needs an answered item, and answers once: one per run (and one for the unmeasured start).
  const answered = new Map<number, Receipt>();
  for (let run = -1; run < runs; run++) {
    const item = await submit(desk);
    await expectStatus('reply', http.post(`/api/items/${item.trackingCode}/replies`, { body: '已安排线上回放，请关注通知。', visibility: 'public' }, auth), 201);
    answered.set(run, item);
  }
  const directoryDocument = (await expectStatus('directory', http.get('/api/admin/directory', auth), 200)).json<{ holidays: string[] }>();
  const directoryToggled = (run: number) => ({
    ...directoryDocument,
    holidays: (run + 1) % 2 === 0 ? directoryDocument.holidays : [...directoryDocument.holidays, '2099-12-31'],
  });
  const staff = { claims: options.officeClaims };
  const at = (handler: string, path: string) => {
    const r = routes.find((x) => x.handler === handler)!;
    return { method: r.method, route: r.path, path };
  };
  const eventFor = (name: string, run: number): object => {
    switch (name) {
      case bareName:
        return apiEvent({ method: 'GET', route: '/bare', path: '/bare' });
      case floorName:
        return apiEvent({ method: 'GET', route: '/floor', path: '/floor' });
      case 'get-form':
        return apiEvent(at(name, '/api/form'));
      case 'get-openapi':
        return apiEvent(at(name, '/api/openapi.json'));
      case 'create-submission':
        return apiEvent({ ...at(name, '/api/submissions'), body: submissionBody() });
      case 'get-submission':
        return apiEvent({
          ...at(name, `/api/submissions/${tracked.trackingCode}`),
          pathParameters: { trackingCode: tracked.trackingCode },
          headers: { 'x-access-key': tracked.accessKey },
        });
      case 'create-follow-up':
        return apiEvent({
          ...at(name, `/api/submissions/${tracked.trackingCode}/follow-ups`),
          pathParameters: { trackingCode: tracked.trackingCode },
          headers: { 'x-access-key': tracked.accessKey },
          body: { body: '补充一点：周末值班的同志较多。' },
        });
      case 'rate-submission': {
        const item = answered.get(run)!;
        return apiEvent({
          ...at(name, `/api/submissions/${item.trackingCode}/rating`),
          pathParameters: { trackingCode: item.trackingCode },
          headers: { 'x-access-key': item.accessKey },
          body: { satisfaction: 'satisfied' },
        });
      }
      case 'list-items':
        return apiEvent({ ...at(name, '/api/items'), ...staff });
      case 'get-item':
        return apiEvent({ ...at(name, `/api/items/${staffItem.trackingCode}`), pathParameters: { id: staffItem.trackingCode }, ...staff });
      case 'assign-item':
        return apiEvent({ ...at(name, `/api/items/${staffItem.trackingCode}/assign`), pathParameters: { id: staffItem.trackingCode }, body: { groupId: 'g1' }, ...staff });
      case 'create-reply':
        return apiEvent({
          ...at(name, `/api/items/${staffItem.trackingCode}/replies`),
          pathParameters: { id: staffItem.trackingCode },
          body: { body: '内部备注：已联系单位。', visibility: 'internal' },
          ...staff,
        });
      case 'transition-item':
        return apiEvent({
          ...at(name, `/api/items/${practice.trackingCode}/transition`),
          pathParameters: { id: practice.trackingCode },
          body: { action: run % 2 === 0 ? 'recommend' : 'unrecommend' },
          ...staff,
        });
      case 'get-dashboard':
        return apiEvent({ ...at(name, '/api/dashboard'), ...staff });
      case 'list-practices':
        return apiEvent({ ...at(name, '/api/practices'), ...staff });
      case 'export-items':
        return apiEvent({ ...at(name, '/api/exports/items.csv'), ...staff });
      case 'get-directory':
        return apiEvent({ ...at(name, '/api/admin/directory'), ...staff });
      case 'put-directory':
        // A real change each time (a holiday far ahead, on and off): an unchanged directory is
        // answered at once, a changed one after the other functions' directory caches expire.
        return apiEvent({ ...at(name, '/api/admin/directory'), body: directoryToggled(run), ...staff });
      default:
        throw new Error(`no cold-start event for ${name}`);
    }
  };
  // What a deployed function finds in its environment (infra binds the table the same way);
  // nothing else of this process's environment is passed on.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TABLE_NAME: options.tableName,
    DYNAMODB_ENDPOINT: options.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'yijian',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    YIJIAN_RATE_LIMIT: 'off',
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
  log(`  bare ${cold.bare.wallMedianMs} ms; SDK floor ${cold.floor.wallMedianMs} ms; ${cold.functions.map((f) => `${f.name} ${f.wallMedianMs} ms (${f.ratio}× floor)`).join('; ')}`);
  const failing = [cold.floor, ...cold.functions].filter((f) => f.statuses.some((s) => s === undefined || s >= 300));
  if (failing.length) log(`  WARNING: answers other than 2xx: ${failing.map((f) => `${f.name} ${f.statuses.join(',')}`).join('; ')}`);

  // What the largest bundle, any oversize one, submit's and the slowest to start carry, by package.
  const largest = [...bundles, ...workers].sort((a, b) => b.bytes - a.bytes)[0];
  const slowest = [...cold.functions].sort((a, b) => b.ratio - a.ratio)[0];
  const oversize = [...bundles, ...workers].filter((b) => b.bytes > options.bundleKiBTarget * 1024);
  const explain = [largest, ...oversize, ...bundles.filter((b) => b.name === 'create-submission' || b.name === slowest?.name), baselines.floor];
  const composition = Object.fromEntries([...new Set(explain)].map((b) => [b.name, bundleComposition(b)]));
  const workerBundles = workers.map((b) => ({ name: b.name, kib: round(b.bytes / 1024), gzipKib: round(b.gzipBytes / 1024) }));
  return { cold, putDirectoryNoWait, workerBundles, composition, environment: Object.keys(env), directoryCacheMs: 1000 };
};
