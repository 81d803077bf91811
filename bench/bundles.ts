/**
 * Per function: the bundle as deployed (infra/bundling.ts options: ESM, minified, the AWS SDK
 * bundled in, nothing external) and a cold-start proxy — a fresh `node` process that imports the
 * bundle and answers one event (bench/cold-start-runner.mjs) — against the same for two baselines
 * built the same way: a bare handler, and the SDK floor (one GetItem through the data layer's
 * client). Bundles are written under node_modules/.cache/yijian-bench/ (`bundleRoot`).
 */
import type { Metafile } from 'esbuild';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bundleFiles, bundleFunction } from '../infra/bundling';
import { reachableFiles } from '../infra/dead-imports';
import { lambdaContext } from '../local/lambda-context';
import { routes } from '../shared/routes';
import { median, round } from './measure';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
/**
 * Under node_modules, so that a bundle's run-time `require('sharp')` finds the package as the layer
 * does deployed; one folder per checkout (a hash of its path), since git worktrees may share one
 * node_modules and two benches must not overwrite each other's bundles.
 */
export const bundleRoot = join(root, 'node_modules', '.cache', 'yijian-bench', createHash('sha256').update(root).digest('hex').slice(0, 12));
const runner = join(here, 'cold-start-runner.mjs');
export const bareName = '(bare handler)';
export const floorName = '(SDK floor: one GetItem)';

export interface Bundle {
  readonly name: string;
  /** The handler's module (chunks beside it, under chunks/, are loaded from it). */
  readonly file: string;
  /** Every file of the bundle (infra/bundling.ts: the handler's module and its chunks). */
  readonly bytes: number;
  /** The handler's module and the chunks it imports statically: what every cold start reads. */
  readonly coldBytes: number;
  readonly gzipBytes: number;
  readonly metafile: Metafile;
}

const baselineEntries: Record<string, { entry: string; folder: string }> = {
  [bareName]: { entry: join(here, 'bare-handler.ts'), folder: 'bare' },
  [floorName]: { entry: join(here, 'sdk-floor-handler.ts'), folder: 'sdk-floor' },
};
const entryOf = (handler: string) => baselineEntries[handler]?.entry ?? join(root, 'functions', `${handler}.ts`);
const folderOf = (handler: string) => baselineEntries[handler]?.folder ?? handler.replace(/[^a-z0-9-]+/gi, '_');

/** The handlers of the route table, in route order, each once. */
export const routeHandlers = (): string[] => [...new Set(routes.map((r) => r.handler))];

export const buildBundle = async (name: string): Promise<Bundle> => {
  const folder = join(bundleRoot, 'deployed', folderOf(name));
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const metafile = await bundleFunction(entryOf(name), folder);
  const files = bundleFiles(metafile);
  const codes = new Map(files.map((file) => [file, readFileSync(file)]));
  const cold = reachableFiles(metafile, { staticOnly: true });
  const sum = (of: Iterable<string>) => [...of].reduce((total, file) => total + codes.get(file)!.byteLength, 0);
  return {
    name,
    file: resolve(files[0]!),
    bytes: sum(files),
    coldBytes: sum(cold),
    gzipBytes: [...codes.values()].reduce((total, code) => total + gzipSync(code, { level: 9 }).byteLength, 0),
    metafile,
  };
};

/** Which packages (or project folders) make up a bundle's bytes, largest first. */
export const bundleComposition = (bundle: Bundle, top = 8): { input: string; kib: number }[] => {
  const byGroup = new Map<string, number>();
  for (const output of Object.values(bundle.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const group = m ? m[1] : input.split('/').slice(0, -1).join('/') || input;
      byGroup.set(group, (byGroup.get(group) ?? 0) + bytesInOutput);
    }
  }
  return [...byGroup.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([input, bytes]) => ({ input, kib: round(bytes / 1024) }));
};

export interface ColdRun {
  readonly wallMs: number;
  readonly importMs: number;
  readonly answerMs: number;
  /** CPU time of the process (user + system) until it answered. */
  readonly cpuMs: number;
  readonly status: number | undefined;
}

/** What bench/cold-start-runner.mjs prints for one start: its timings, the status and (non-streaming, with `echo`) the handler's answer. */
export interface RunnerLine {
  readonly status?: number;
  readonly importMs: number;
  readonly answerMs: number;
  readonly cpuMs: number;
  readonly response?: { statusCode: number; headers?: Record<string, string>; body?: string };
}

/**
 * A fresh `node` process runs the bundle's handler on the invocation (`{ event, context }`) as a
 * Lambda container's first request, and exits: its line, and the wall time from spawn to close.
 * Also what test/e2e/deployed-bundles.test.ts starts the deployed bundles with.
 */
export const runFresh = (
  name: string,
  file: string,
  invocation: { event: object; context: object; echo?: boolean },
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<RunnerLine & { wallMs: number }> => {
  const invocationFile = join(dirname(file), 'invocation.json');
  writeFileSync(invocationFile, JSON.stringify(invocation));
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, runner, file, invocationFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`${name}: cold start failed (exit ${code}): ${err.slice(-1500)}`));
      resolvePromise({ ...(JSON.parse(line) as RunnerLine), wallMs });
    });
  });
};

/**
 * One fresh process: spawn, import, answer one event, exit. Wall time is spawn to close. With
 * `profileDir`, the process writes a V8 CPU profile there (node --cpu-prof), one per start: what
 * the bundle does at module load and in its first answer, readable against the bundle's source map.
 */
export const coldStart = async (bundle: Bundle, event: APIGatewayProxyEventV2 | object, env: Record<string, string>, profileDir?: string): Promise<ColdRun> => {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, folderOf(bundle.name))}`] : [];
  const invocation = { event, context: lambdaContext('cold-start', { awsRequestId: 'cold-start-request' }) };
  const { wallMs, importMs, answerMs, cpuMs, status } = await runFresh(bundle.name, bundle.file, invocation, env, profile);
  return { wallMs, importMs, answerMs, cpuMs, status };
};

export interface ColdStartFigure {
  readonly name: string;
  /** All its files; `coldKib` what a cold start reads (bench/bundles.ts Bundle). */
  readonly kib: number;
  readonly coldKib: number;
  readonly gzipKib: number;
  readonly wallMedianMs: number;
  readonly importMedianMs: number;
  readonly answerMedianMs: number;
  readonly cpuMedianMs: number;
  /**
   * The target's ratio: the median, over the rounds, of the function's wall time over the SDK
   * floor's start just before it (pairs a second apart: a busy moment of the machine falls on both).
   */
  readonly ratio: number;
  /** Median wall time over the bare handler's median. */
  readonly bareRatio: number;
  /** The same pairs' CPU time ratio: what the function's own code costs, whatever the machine's load. */
  readonly cpuRatio: number;
  readonly statuses: (number | undefined)[];
  readonly runsMs: number[];
}

export interface Baselines {
  readonly bare: Bundle;
  readonly floor: Bundle;
}

/**
 * Cold starts of every bundle, `runs` rounds. Within a round the bare handler starts once, then
 * every function right after a start of the SDK floor: a function's ratio is the median of these
 * pairs, so that a busy moment of the machine (other work on it) falls on both starts of a pair.
 */
export const coldStarts = async (
  bundles: readonly Bundle[],
  baselines: Baselines,
  eventFor: (name: string, run: number) => Promise<object> | object,
  env: Record<string, string> | ((name: string) => Record<string, string>),
  runs: number,
  onProgress?: (line: string) => void,
  profileDir?: string,
): Promise<{ bare: ColdStartFigure; floor: ColdStartFigure; functions: ColdStartFigure[] }> => {
  const all = [baselines.bare, baselines.floor, ...bundles];
  const samples = new Map<string, ColdRun[]>(all.map((b) => [b.name, []]));
  const pairs = new Map<string, { wall: number; cpu: number }[]>(all.map((b) => [b.name, []]));
  // One unmeasured start first: the OS file cache then holds node, the runner and node_modules.
  const envOf = (name: string) => (typeof env === 'function' ? env(name) : env);
  const start = async (bundle: Bundle, run: number) => {
    const result = await coldStart(bundle, await eventFor(bundle.name, run), envOf(bundle.name), run < 0 ? undefined : profileDir);
    if (run >= 0) samples.get(bundle.name)!.push(result);
    return result;
  };
  for (const bundle of all) await start(bundle, -1);
  for (let run = 0; run < runs; run++) {
    await start(baselines.bare, run);
    for (const bundle of bundles) {
      const floor = await start(baselines.floor, run);
      const own = await start(bundle, run);
      pairs.get(bundle.name)!.push({ wall: own.wallMs / floor.wallMs, cpu: own.cpuMs / floor.cpuMs });
    }
    onProgress?.(`cold starts: round ${run + 1}/${runs}`);
  }
  const wallOf = (bundle: Bundle) => median(samples.get(bundle.name)!.map((x) => x.wallMs));
  const cpuOf = (bundle: Bundle) => median(samples.get(bundle.name)!.map((x) => x.cpuMs));
  const bareWall = wallOf(baselines.bare);
  const figure = (bundle: Bundle): ColdStartFigure => {
    const s = samples.get(bundle.name)!;
    const p = pairs.get(bundle.name)!;
    const wall = wallOf(bundle);
    return {
      name: bundle.name,
      kib: round(bundle.bytes / 1024),
      coldKib: round(bundle.coldBytes / 1024),
      gzipKib: round(bundle.gzipBytes / 1024),
      wallMedianMs: round(wall),
      importMedianMs: round(median(s.map((x) => x.importMs))),
      answerMedianMs: round(median(s.map((x) => x.answerMs))),
      cpuMedianMs: round(cpuOf(bundle)),
      ratio: bundle === baselines.floor ? 1 : round(median(p.map((x) => x.wall)), 2),
      bareRatio: round(wall / bareWall, 2),
      cpuRatio: bundle === baselines.floor ? 1 : round(median(p.map((x) => x.cpu)), 2),
      statuses: s.map((x) => x.status),
      runsMs: s.map((x) => round(x.wallMs)),
    };
  };
  return { bare: figure(baselines.bare), floor: figure(baselines.floor), functions: bundles.map(figure) };
};
