import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../local/ports';
import { processTree } from './processes';

/** `npm start` as a newcomer runs it, for the tests that start, kill and restart whole stacks. */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  readonly spawnedAt: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** An environment like a developer's shell: nothing of the test runner's own stack leaks in. */
const childEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(VITEST|TABLE_NAME$|DYNAMODB_ENDPOINT$|YIJIAN_|PORT$|NODE_OPTIONS$)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
};

/** Waits for the printed form URL; fails early (with the output) if the process dies first. Returns ms since the spawn. */
export const waitForReady = async (s: Started, timeoutMs = 60_000): Promise<number> => {
  let dead = false;
  void s.exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (!s.output().includes(`${s.url}/`)) {
    if (dead) throw new Error(`the stack exited before it was ready:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`the stack was not ready in ${timeoutMs} ms:\n${s.output()}`);
    await sleep(50);
  }
  return performance.now() - s.spawnedAt;
};

/**
 * The stacks and data folders one test file starts, so that it can always take them all down:
 * `cleanup` in afterAll (and `killAll` in afterEach where each test starts its own).
 */
export const stackProcesses = () => {
  const started: Started[] = [];
  const tempDirs: string[] = [];

  const launch = async (command: string, args: string[], extra: Record<string, string>): Promise<Started> => {
    const port = await freePort();
    const spawnedAt = performance.now();
    // detached: its own process group, so cleanup can always reach every process it started.
    const child = spawn(command, args, { cwd: root, env: childEnv({ PORT: String(port), ...extra }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
    const s: Started = { child, port, url: `http://127.0.0.1:${port}`, spawnedAt, output: () => out, exited };
    started.push(s);
    return s;
  };

  /** Kills whatever is left, by process group (each launch is its own group) and by pid. */
  const killAll = async () => {
    const left = started.splice(0);
    for (const s of left) {
      const pids = s.child.pid ? processTree(s.child.pid) : [];
      try {
        if (s.child.pid) process.kill(-s.child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    await Promise.all(left.map((s) => Promise.race([s.exited, sleep(2000)])));
  };

  return {
    launch,
    /** What `npm start` runs: `node --import tsx local/main.ts`, one node process (java is its direct child). */
    startStack: (extra: Record<string, string>) => launch(process.execPath, ['--import', 'tsx', 'local/main.ts'], extra),
    /** A fresh folder for YIJIAN_DATA_DIR, removed by `cleanup`. */
    tempDataDir: (prefix: string) => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      tempDirs.push(dir);
      return dir;
    },
    /** A stack the test took down itself: nothing left for `killAll` to do. */
    forget: (s: Started) => void started.splice(started.indexOf(s), 1),
    killAll,
    cleanup: async () => {
      await killAll();
      for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
};
