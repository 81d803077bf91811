/**
 * `npm run bench`: every figure of the performance issue, measured side by side in one run on the
 * local stack (ratios, not absolute times, are the targets). Prints one table (stdout) and writes
 * bench/results.json; progress goes to stderr. See bench/README.md for what each figure compares.
 *
 *   npm run bench                         1,000 vs 100,000 items (about 15 minutes)
 *   npm run bench -- --quick              1,000 vs 20,000 items, shorter rounds (about 5 minutes)
 *   npm run bench -- --items=50000        the large size
 *   npm run bench -- --only=throughput    some sections only: overhead, functions, scale, throughput, timing
 *                                         (writes bench/results.<sections>.json unless --out is given)
 *   other options: --small=N --concurrency=N --round-seconds=N --rounds=N --cold-runs=N
 *                  --overhead-iterations=N --latency-samples=N --timing-samples=N --fill=batch|transact --out=FILE
 *                  --cpu-prof=DIR (a V8 CPU profile of every measured cold start, under DIR)
 *
 * The stack runs in this process, as `npm start` runs it (DynamoDB Local in memory as a child
 * process, the gateway in front of the handler modules), so that the data layer's capacity meter
 * sees every request the handlers make. Two background parts are off while measuring: the sweep
 * timer (never started: it would change items mid-run) and the notify handler's change-stream
 * poller, stopped after the idle figure (deployed, notifications run in their own function; here
 * they would share the CPU and the meter with the handlers being measured). The tally's poller
 * keeps running: the dashboard's counters are its work, and it shares the machine as it would.
 */
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleLimitBytes } from '../scripts/lambda-bundles';
import type { ColdStartFigure } from './bundles';

// Before anything reads them at module load: every project module below is imported dynamically.
process.env.YIJIAN_RATE_LIMIT = 'off';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.YIJIAN_QUIET = '1';
// stdout is the table: the tally's EMF lines (its lag) would run through it. The throughput child
// keeps its metrics on, as a deployed submit pays for them.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const here = dirname(fileURLToPath(import.meta.url));
const startedAt = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const known = ['room-proofs', 'timing-samples', 'quick', 'small', 'items', 'concurrency', 'round-seconds', 'rounds', 'cold-runs', 'overhead-iterations', 'latency-samples', 'fill', 'out', 'only', 'cpu-prof'];
for (const arg of argv) {
  const name = /^--([a-z-]+)/.exec(arg)?.[1];
  if (!name || !known.includes(name)) throw new Error(`unknown option ${arg}; known: ${known.map((k) => `--${k}`).join(' ')}`);
}
const text = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const number = (name: string, fallback: number): number => {
  const raw = text(name);
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, not ${raw}`);
  return value;
};
const allSections = ['overhead', 'functions', 'scale', 'throughput', 'timing', 'room', 'sessions'] as const;
type Section = (typeof allSections)[number];
const only = text('only')?.split(',').map((s) => s.trim()) ?? [...allSections];
for (const s of only) if (!(allSections as readonly string[]).includes(s)) throw new Error(`--only takes ${allSections.join(',')}, not ${s}`);
const quick = argv.includes('--quick');
const opts = {
  quick,
  sections: only as Section[],
  small: number('small', 1000),
  large: number('items', quick ? 20_000 : 100_000),
  concurrency: number('concurrency', 16),
  roundSeconds: number('round-seconds', 5),
  rounds: number('rounds', quick ? 4 : 8),
  // Cold starts: 21 paired rounds; with 11 a median of ratios moved by ±0.05 between runs on this
  // shared machine, as much as the margin the target leaves most functions.
  coldRuns: number('cold-runs', 21),
  overheadIterations: number('overhead-iterations', 20_000),
  latencySamples: number('latency-samples', quick ? 60 : 100),
  timingSamples: number('timing-samples', quick ? 200 : 500),
  roomProofs: number('room-proofs', quick ? 12 : 20),
  fill: (text('fill') ?? 'batch') as 'batch' | 'transact',
  cpuProfileDir: text('cpu-prof') === undefined ? undefined : resolve(text('cpu-prof')!),
  out: resolve(text('out') ?? join(here, only.length === allSections.length ? 'results.json' : `results.${only.join('-')}.json`)),
};
if (opts.fill !== 'batch' && opts.fill !== 'transact') throw new Error('--fill must be batch or transact');
if (opts.large <= opts.small) throw new Error('--items must be larger than --small');
const runs = (section: Section) => opts.sections.includes(section);

/** The issue's targets; coldRatio is a function's cold start over the SDK floor's (one GetItem). */
const targets = { roomSolveMs: 1500, accessTimingRatio: [0.9, 1.1] as const, submitRatio: 0.8, overheadMicros: 300, bundleKiB: bundleLimitBytes / 1024, coldRatio: 1.4, scaleLatencyRatio: 1.3 };
/** On-demand, us-east-1, Standard table class: the assumption the cost figure rests on. */
const prices = { writeRequestUnit: 1.25 / 1e6, readRequestUnit: 0.25 / 1e6, assumption: 'DynamoDB on-demand, us-east-1, Standard table class' };

// ---------------------------------------------------------------------------------------------
// The stack

const { residentMemory, round, sleep, httpClient } = await import('./measure');
const { startDynamoDbLocal } = await import('../local/dynamodb');
const { startLocalStack } = await import('../local/stack');

log(`options ${JSON.stringify(opts)}`);
const loadAtStart = loadavg().map((l) => round(l, 2));
if (loadAtStart[0] > cpus().length) log(`WARNING: load average ${loadAtStart.join(' ')} on ${cpus().length} CPUs: other work shares this machine; figures will be noisy`);

// ---------------------------------------------------------------------------------------------
// Submit throughput, side by side: first, in a child process with a fresh stack of its own
// (bench/throughput-main.ts says why), before this process starts its own.
type Throughput = Awaited<ReturnType<(typeof import('./throughput'))['measureThroughput']>>;
let throughput: Throughput | undefined;
if (runs('throughput')) {
  const { spawn } = await import('node:child_process');
  const { resultMarker } = await import('./throughput');
  const childOptions = { concurrency: opts.concurrency, roundSeconds: opts.roundSeconds, rounds: opts.rounds, ratioTarget: targets.submitRatio };
  throughput = await new Promise<Throughput>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(here, 'throughput-main.ts'), JSON.stringify(childOptions)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POWERTOOLS_METRICS_DISABLED: undefined },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log(line.replace(/^\[throughput\] /, ''));
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(resultMarker));
      if (code !== 0 || !line) reject(new Error(`the throughput section failed (exit ${code})`));
      else resolvePromise(JSON.parse(line.slice(resultMarker.length)) as Throughput);
    });
  });
}

const dynamoLocal = await startDynamoDbLocal();
const javaPid = dynamoLocal.process.pid!;
const tableName = 'yijian-bench';
const stack = await startLocalStack({ port: 0, dynamoEndpoint: dynamoLocal.endpoint, inMemory: true, tableName, seedDemo: true, sweepIntervalSeconds: 0 }).catch(
  async (error: Error) => {
    await dynamoLocal.stop();
    throw error;
  },
);
const shutdown = async () => {
  await stack.stop().catch(() => undefined);
  await dynamoLocal.stop().catch(() => undefined);
};
process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));

/** RSS of this process (bench + gateway + handlers) and of the DynamoDB Local JVM. */
const memory = () => {
  const node = residentMemory(process.pid);
  const java = residentMemory(javaPid);
  return {
    nodeMiB: node?.rssMiB ?? null,
    javaMiB: java?.rssMiB ?? null,
    totalMiB: round((node?.rssMiB ?? 0) + (java?.rssMiB ?? 0)),
    nodePeakMiB: node?.peakMiB ?? null,
    javaPeakMiB: java?.peakMiB ?? null,
  };
};

try {
  await sleep(1500);
  const rssIdle = memory();
  log(`local stack up at ${stack.url}; idle RSS node ${rssIdle.nodeMiB} MiB + java ${rssIdle.javaMiB} MiB`);
  await stack.poller.stop();

  const { claimsAsApiGatewayPassesThem } = await import('../shared/http/jwt');
  const { submissionBody } = await import('./fixtures');
  const { submit, totalItems, measureScale, perOperation, countersMatchLists } = await import('./scale');
  const officeToken = await stack.issuer.issue({ sub: 'bench-office', name: '基准 办公室', groups: ['office'] });
  const officeClaims = claimsAsApiGatewayPassesThem(await stack.verifyToken(officeToken));
  const desk = { http: httpClient(stack.url, 8), auth: { authorization: `Bearer ${officeToken}` }, log, drainTally: () => stack.drainTally(600_000), capacity: stack.capacity, clock: stack.clock };

  // -------------------------------------------------------------------------------------------
  // Handler overhead (in process, no I/O)
  let overhead: Awaited<ReturnType<(typeof import('./overhead'))['measureOverhead']>> | undefined;
  if (runs('overhead')) {
    log(`handler overhead: ${opts.overheadIterations} calls each`);
    const { measureOverhead } = await import('./overhead');
    overhead = await measureOverhead(opts.overheadIterations);
    log(`  stubbed ${overhead.stubbedMeanMicros} µs, bare ${overhead.bareMeanMicros} µs: +${overhead.overheadMicros} µs`);
  }

  // -------------------------------------------------------------------------------------------
  // An unknown tracking code vs a wrong access key (same time, same reads)
  let accessTiming: Awaited<ReturnType<(typeof import('./access-timing'))['measureAccessTiming']>> | undefined;
  if (runs('timing')) {
    log(`unknown code vs wrong key: ${opts.timingSamples} calls each per route, alternating`);
    const { measureAccessTiming } = await import('./access-timing');
    accessTiming = await measureAccessTiming(desk, opts.timingSamples);
  }

  // -------------------------------------------------------------------------------------------
  // The room: a proof of work solved in the page (Chromium), checked by the server
  let room: Awaited<ReturnType<(typeof import('./room'))['measureRoom']>> | undefined;
  if (runs('room')) {
    const { measureRoom } = await import('./room');
    room = await measureRoom(stack, { proofs: opts.roomProofs, serverCalls: 1000, log });
    log(`  solve median ${room.solve.medianMs} ms (p90 ${room.solve.p90Ms}), verify ${room.verify.medianMicros} µs, issue ${room.issue.medianMicros} µs`);
  }

  // -------------------------------------------------------------------------------------------
  // Training sessions: a meeting's records (one transaction of 100 items) and its summary
  let sessions: Awaited<ReturnType<(typeof import('./sessions'))['measureSessions']>> | undefined;
  if (runs('sessions')) {
    log('training sessions: records of 100 entries; summary, dashboard and list of a 300-item session');
    const { measureSessions } = await import('./sessions');
    sessions = await measureSessions(desk, { rounds: opts.quick ? 3 : 5, log });
  }

  // -------------------------------------------------------------------------------------------
  // Bundles and cold starts
  let functions: Awaited<ReturnType<(typeof import('./functions'))['measureFunctions']>> | undefined;
  if (runs('functions')) {
    const { measureFunctions } = await import('./functions');
    functions = await measureFunctions({ desk, officeClaims, tableName, endpoint: dynamoLocal.endpoint, objectStore: stack.objectStore, runs: opts.coldRuns, coldRatioTarget: targets.coldRatio, profileDir: opts.cpuProfileDir });
  }

  // -------------------------------------------------------------------------------------------
  // Scale, small: fill through the data layer's transactions, then measure
  const { fill } = await import('./fill');
  /** The counters are the tally's: it reads the fill off the change stream like any change. */
  const tallied = async () => {
    const t = performance.now();
    await stack.drainTally(3_600_000);
    log(`  tallied from the change stream in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  let atSmall: Awaited<ReturnType<typeof measureScale>> | undefined;
  let capacitySmall: Awaited<ReturnType<typeof perOperation>> | undefined;
  let smallFill: Awaited<ReturnType<typeof fill>> | undefined;
  const { measureExport } = await import('./export');
  let exportSmall: Awaited<ReturnType<typeof measureExport>> | undefined;
  let exportLarge: typeof exportSmall;
  if (runs('scale')) {
    const before = await totalItems();
    log(`fill to ${opts.small} items (${opts.small - before} through createItem/commitChange transactions, concurrency ${opts.concurrency})`);
    smallFill = await fill(opts.small - before, 'transact', opts.concurrency);
    log(`  ${smallFill.items} items in ${smallFill.seconds} s: ${smallFill.itemsPerSecond} items/s, ${smallFill.writesPerSecond} transactions/s`);
    await tallied();
    atSmall = await measureScale(desk, opts.latencySamples);
    log(`  ${atSmall.items} items: list ${atSmall.list.medianMs} ms ${atSmall.list.readUnits} RCU; dashboard ${atSmall.dashboard.medianMs} ms ${atSmall.dashboard.readUnits} RCU; counters ${JSON.stringify(atSmall.counters)}`);
    capacitySmall = await perOperation(desk);
    log(`  capacity per operation: ${Object.entries(capacitySmall).map(([op, u]) => `${op} R${u.read}/W${u.write}`).join(', ')}`);
    exportSmall = await measureExport(desk, stack.url);
    log(`  items.xlsx: ${JSON.stringify(exportSmall)}`);
  }

  // -------------------------------------------------------------------------------------------
  // Scale, large: fill up to the large size (same table), then measure again
  let atLarge: typeof atSmall;
  let capacityLarge: typeof capacitySmall;
  let largeFill: typeof smallFill;
  let soundness: Awaited<ReturnType<typeof countersMatchLists>> | undefined;
  if (runs('scale')) {
    const before = await totalItems();
    const width = opts.fill === 'batch' ? 8 : opts.concurrency;
    log(`fill to ${opts.large} items (${opts.large - before} more, ${opts.fill} mode, concurrency ${width})`);
    largeFill = await fill(Math.max(0, opts.large - before), opts.fill, width, (done) => {
      if (done > 0 && done % 10_000 === 0) log(`  ${done} items written`);
    });
    log(`  ${largeFill.items} items in ${largeFill.seconds} s: ${largeFill.itemsPerSecond} items/s (${largeFill.writesPerSecond} writes/s)`);
    await tallied();
    atLarge = await measureScale(desk, opts.latencySamples);
    soundness = await countersMatchLists();
    log(`  counters equal the status lists: ${soundness.ok ? 'yes' : `NO ${JSON.stringify(soundness.byStatus)}`}`);
    log(`  ${atLarge.items} items: list ${atLarge.list.medianMs} ms ${atLarge.list.readUnits} RCU; dashboard ${atLarge.dashboard.medianMs} ms ${atLarge.dashboard.readUnits} RCU; counters ${JSON.stringify(atLarge.counters)}`);
    capacityLarge = await perOperation(desk);
    log(`  capacity per operation: ${Object.entries(capacityLarge).map(([op, u]) => `${op} R${u.read}/W${u.write}`).join(', ')}`);
    exportLarge = await measureExport(desk, stack.url);
    log(`  items.xlsx: ${JSON.stringify(exportLarge)}`);
  }
  const rssAfter = memory();
  log(`RSS after the run: node ${rssAfter.nodeMiB} MiB + java ${rssAfter.javaMiB} MiB`);
  desk.http.close();

  // -------------------------------------------------------------------------------------------
  // Figures against targets
  type Row = { figure: string; value: string; target: string; met: boolean | null };
  const rows: Row[] = [];
  const row = (figure: string, value: string, target = '', met: boolean | null = null) => rows.push({ figure, value, target, met });

  if (throughput) {
    const t = throughput;
    row(`submit via gateway, concurrency ${opts.concurrency}`, `${t.medianPerSecond.gateway} req/s`);
    row(`raw PutItem of the same item, concurrency ${opts.concurrency}`, `${t.medianPerSecond.raw} req/s`);
    row('submit / raw PutItem (median of paired rounds)', `${t.ratio}`, `≥ ${targets.submitRatio}`, t.ratio >= targets.submitRatio);
  }
  if (overhead) {
    row('handler overhead (middy + zod, data layer stubbed)', `${overhead.overheadMicros} µs/request`, `≤ ${targets.overheadMicros} µs`, overhead.overheadMicros <= targets.overheadMicros);
  }
  for (const t of accessTiming ?? []) {
    const [low, high] = targets.accessTimingRatio;
    row(
      `${t.route}: wrong key / unknown code (median of ${opts.timingSamples})`,
      `${t.ratio} (${t.wrongKeyMedianMs} vs ${t.unknownCodeMedianMs} ms; R ${t.wrongKeyReadUnits} vs ${t.unknownCodeReadUnits})`,
      `${low}–${high}`,
      t.ratio >= low && t.ratio <= high,
    );
  }
  if (functions) {
    const { bare, floor } = functions.cold;
    const split = (f: ColdStartFigure) => `import ${f.importMedianMs} + answer ${f.answerMedianMs} ms; CPU ${f.cpuMedianMs} ms`;
    const versus = (f: ColdStartFigure) => `${f.wallMedianMs} ms = ${f.ratio}× floor, ${f.bareRatio}× bare (${split(f)} = ${f.cpuRatio}× floor's)`;
    row('cold start, bare handler bundle', `${bare.wallMedianMs} ms (${split(bare)})`);
    row('cold start, SDK floor: one GetItem, same client', `${floor.wallMedianMs} ms = ${floor.bareRatio}× bare (${split(floor)}); ${floor.kib} KB`);
    for (const f of functions.cold.functions) {
      const budgetKiB = bundleLimitBytes / 1024;
      const cold = f.coldKib < f.kib ? `; ${f.coldKib} KB read at a cold start` : '';
      row(`bundle ${f.name}`, `${f.kib} KB (gzip ${f.gzipKib}${cold})`, `≤ ${budgetKiB} KB`, f.kib <= budgetKiB);
      // put-directory's answer waits out the other functions' directory caches on purpose: shown,
      // and judged on the run with the cache off (below), which is the function's own cost.
      const waits = f.name === 'put-directory';
      if (waits) row(`cold start ${f.name} (waits ${functions.directoryCacheMs} ms for the caches)`, versus(f));
      else row(`cold start ${f.name}`, versus(f), `≤ ${targets.coldRatio}× floor`, f.ratio <= targets.coldRatio);
    }
    for (const f of functions.putDirectoryNoWait?.functions ?? []) row(`cold start ${f.name}`, versus(f), `≤ ${targets.coldRatio}× floor`, f.ratio <= targets.coldRatio);
    // The exports and the report are judged above on a bounded request; their answers over the
    // whole table are shown here, without a target (bench/bounded-work.ts says why).
    for (const f of functions.wholeTable.functions) row(`cold start ${f.name}`, versus(f));
    for (const w of functions.workerBundles) row(`bundle ${w.name} (worker)`, `${w.kib} KB (gzip ${w.gzipKib})`, `≤ ${targets.bundleKiB} KB`, w.kib <= targets.bundleKiB);
  }
  let scale: Record<string, unknown> | null = null;
  if (atSmall && atLarge && capacitySmall && capacityLarge) {
    const listLatencyRatio = round(atLarge.list.medianMs / atSmall.list.medianMs, 2);
    const dashboardLatencyRatio = round(atLarge.dashboard.medianMs / atSmall.dashboard.medianMs, 2);
    scale = { small: atSmall, large: atLarge, listLatencyRatio, dashboardLatencyRatio, fills: { small: smallFill, large: largeFill }, countersMatchListsAtLarge: soundness };
    const [s, l] = [atSmall.items, atLarge.items];
    row(`GET /api/items first page, ${s} items`, `${atSmall.list.medianMs} ms, ${atSmall.list.readUnits} RCU`);
    row(`GET /api/items first page, ${l} items`, `${atLarge.list.medianMs} ms, ${atLarge.list.readUnits} RCU`);
    row('GET /api/items latency, large / small', `${listLatencyRatio}`, `≤ ${targets.scaleLatencyRatio}`, listLatencyRatio <= targets.scaleLatencyRatio);
    row('GET /api/items read units, large vs small', `${atLarge.list.readUnits} vs ${atSmall.list.readUnits}`, 'equal', atLarge.list.readUnits === atSmall.list.readUnits);
    row(`GET /api/dashboard, ${s} items`, `${atSmall.dashboard.medianMs} ms, ${atSmall.dashboard.readUnits} RCU`);
    row(`GET /api/dashboard, ${l} items`, `${atLarge.dashboard.medianMs} ms, ${atLarge.dashboard.readUnits} RCU`);
    row('GET /api/dashboard latency, large / small', `${dashboardLatencyRatio}`, `≤ ${targets.scaleLatencyRatio}`, dashboardLatencyRatio <= targets.scaleLatencyRatio);
    row(
      'GET /api/dashboard read units, large vs small',
      `${atLarge.dashboard.readUnits} vs ${atSmall.dashboard.readUnits}`,
      'equal',
      atLarge.dashboard.readUnits === atSmall.dashboard.readUnits,
    );
    for (const point of [atSmall, atLarge]) {
      const d = point.dashboardAfterNextDue;
      if (d) row(`  dashboard just past a due instant, before the sweep, ${point.items} items`, `${d.medianMs} ms, ${d.readUnits} RCU (${d.fellDueSinceSweep} fell due)`);
    }
    if (soundness) row('dashboard counters equal the status lists (large)', soundness.ok ? 'yes' : 'NO', 'yes', soundness.ok);
  }
  if (exportSmall && exportLarge) {
    for (const e of [exportSmall, exportLarge]) row(`GET /api/exports/items.xlsx, ${e.items} items`, `${e.ms} ms (${e.rowsPerSecond} rows/s), ${e.kib} KB, ${e.readUnits} RCU, live heap +${e.liveHeapGrowthMiB} MiB`);
    // Streamed: the memory a download holds does not grow with the rows (2 MiB: the collector's noise).
    const flat = exportLarge.liveHeapGrowthMiB <= 2 * Math.max(exportSmall.liveHeapGrowthMiB, 2);
    row('items.xlsx live heap, large vs small', `${exportLarge.liveHeapGrowthMiB} vs ${exportSmall.liveHeapGrowthMiB} MiB`, '≤ 2× (min 2 MiB)', flat);
    if (scale) scale.exports = { small: exportSmall, large: exportLarge };
  }
  let cost: Record<string, unknown> | null = null;
  if (capacitySmall && capacityLarge && atSmall && atLarge) {
    for (const [op, u] of Object.entries(capacityLarge)) {
      const s = capacitySmall[op];
      row(`capacity units: ${op}`, `R ${u.read} / W ${u.write} (at ${atSmall.items}: R ${s.read} / W ${s.write})`);
    }
    const costOf = (c: NonNullable<typeof capacityLarge>) => {
      const usd = (op: string) => (c[op] ? 10_000 * (c[op].write * prices.writeRequestUnit + c[op].read * prices.readRequestUnit) : 0);
      // Each change of an item is folded into the counters by the tally; a submission's share is
      // measured, and taken as the share of every other change too.
      const tally = usd('tally, per submission (in the background)');
      return {
        submissionsUsd: round(usd('submit') + tally, 4),
        oneTrackEachUsd: round(usd('track'), 4),
        totalUsd: round(usd('submit') + tally + usd('track'), 4),
        withStartReplyAndRatingUsd: round(['submit', 'track', 'transition (start)', 'reply (public)', 'rating'].reduce((sum, op) => sum + usd(op), 0) + 4 * tally, 4),
      };
    };
    cost = { atSmall: costOf(capacitySmall), atLarge: costOf(capacityLarge), formula: '10,000 × (WCU × $1.25 + RCU × $0.25) / 1e6 per operation, the tally\'s share included for each change', prices };
    const [cs, cl] = [costOf(capacitySmall), costOf(capacityLarge)];
    row('on-demand cost, 10,000 submissions + 1 track each', `$${cl.totalUsd} (at ${atSmall.items}: $${cs.totalUsd})`);
    row('  … plus start, public reply and rating each', `$${cl.withStartReplyAndRatingUsd} (at ${atSmall.items}: $${cs.withStartReplyAndRatingUsd})`);
  }
  if (room) {
    row(
      `proof of work solved in the page (Chromium, ${room.solve.workers} workers, cost ${room.cost}), median of ${room.solve.proofs}`,
      `${room.solve.medianMs} ms (p90 ${room.solve.p90Ms}, max ${room.solve.maxMs})`,
      `≤ ${targets.roomSolveMs} ms`,
      room.solve.medianMs <= targets.roomSolveMs,
    );
    row('the page\'s proof taken by POST /api/submissions', room.solve.accepted ? 'yes (201)' : 'NO', 'yes', room.solve.accepted);
    row('proof check per public write (server, median)', `${room.verify.medianMicros} µs`);
    row('GET /api/challenge: issuing one (server, median)', `${room.issue.medianMicros} µs`);
  }
  if (sessions) {
    row(`POST …/records, ${sessions.records.entries} entries in one transaction (median of ${sessions.records.rounds})`, `${sessions.records.medianMs} ms, ${sessions.records.writeUnits} WCU`);
    for (const what of ['summary', 'dashboard', 'list'] as const) {
      const label = { summary: 'GET …/summary', dashboard: 'GET /api/dashboard?sessionCode=', list: 'GET /api/items?sessionCode= (every page)' }[what];
      row(`${label}, ${sessions.reads.items} items, ${sessions.reads.ratings} ratings`, `${sessions.reads[what].medianMs} ms, ${sessions.reads[what].readUnits} RCU`);
    }
  }
  row('RSS idle (node + java)', `${rssIdle.totalMiB} MiB (${rssIdle.nodeMiB} + ${rssIdle.javaMiB})`);
  row('RSS after the run (node + java)', `${rssAfter.totalMiB} MiB (${rssAfter.nodeMiB} + ${rssAfter.javaMiB}); peak ${rssAfter.nodePeakMiB} + ${rssAfter.javaPeakMiB}`);

  const seconds = round((performance.now() - startedAt) / 1000, 0);
  const widths = [0, 1, 2].map((i) => Math.max(['figure', 'value', 'target'][i].length, ...rows.map((r) => [r.figure, r.value, r.target][i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  const judged = rows.filter((r) => r.met !== null);
  const missed = judged.filter((r) => r.met === false);
  const out = [line(['figure', 'value', 'target', 'met']), line([...widths.map((w) => '-'.repeat(w)), '-------'])];
  for (const r of rows) out.push(line([r.figure, r.value, r.target, r.met === null ? '' : r.met ? 'met' : 'NOT MET']));
  out.push('');
  out.push(
    `${judged.length - missed.length} of ${judged.length} targets met` +
      `${atSmall && atLarge ? `; ${atSmall.items} vs ${atLarge.items} items` : ''}${opts.quick ? ' (--quick)' : ''}; run took ${seconds} s; ` +
      `load average ${loadAtStart[0]} at start, ${round(loadavg()[0], 2)} at end on ${cpus().length} CPUs`,
  );
  if (cost) out.push('prices assumed: DynamoDB on-demand, us-east-1 Standard: $1.25 per million write request units, $0.25 per million read request units');
  out.push(`results: ${opts.out}`);
  console.log(out.join('\n'));

  const results = {
    date: new Date().toISOString(),
    machine: {
      os: `${type()} ${release()} ${arch()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    },
    options: opts,
    runSeconds: seconds,
    targets,
    table: rows,
    submitThroughput: throughput ?? null,
    handlerOverhead: overhead ?? null,
    accessTiming: accessTiming ?? null,
    room: room ?? null,
    sessions: sessions ?? null,
    functions: functions ?? null,
    scale,
    capacityPerOperation: capacitySmall
      ? { small: capacitySmall, large: capacityLarge ?? null, note: 'capacity units as DynamoDB Local reports them (ReturnConsumedCapacity TOTAL), mean of 5 requests each' }
      : null,
    cost,
    rss: { idle: rssIdle, after: rssAfter, note: 'this node process (bench + gateway + handlers) and the DynamoDB Local JVM; idle = right after start, before any handler module is loaded' },
  };
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await shutdown();
}
