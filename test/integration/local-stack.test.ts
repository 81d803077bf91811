import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { trackingCodePattern } from '../../shared/domain/tracking-code';
import { sleep, stackProcesses, waitForReady } from '../support/npm-start';
import { alive, comm, processTree } from '../support/processes';

/**
 * `npm start` as a newcomer runs it: a real process tree (tsx -> node -> java), its printed output,
 * its sockets, its shutdown. Nothing here reuses the run's DynamoDB Local: each start launches its own.
 */
const tsxBin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin', 'tsx');

const { launch, startStack, tempDataDir, killAll, cleanup } = stackProcesses();
/**
 * The tsx command line instead (`npx tsx local/main.ts`): a second node process around ours. It
 * relays a signal only if ours acknowledges it within 30 ms, else it SIGKILLs ours and exits 143;
 * the stop tests therefore use what `npm start` runs.
 */
const startViaTsxCli = (extra: Record<string, string>) => launch(tsxBin, ['local/main.ts'], extra);

const waitFor = async <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
};

const parentOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

const javaIn = (pid: number): number => {
  const java = processTree(pid).filter((p) => comm(p) === 'java');
  expect(java, 'exactly one java process in the stack').toHaveLength(1);
  return java[0];
};

const rssKiB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** "0100007F:1F90" (tcp) or 32 hex digits (tcp6), as the kernel prints them: 32-bit words in host (little-endian) order. */
const decodeAddress = (hex: string): string => {
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  if (words.length === 1) return words[0].match(/../g)!.map((b) => parseInt(b, 16)).join('.');
  const all = words.join('');
  if (all.startsWith('00000000000000000000FFFF')) return `::ffff:${all.slice(24).match(/../g)!.map((b) => parseInt(b, 16)).join('.')}`;
  if (/^0{32}$/.test(all)) return '::';
  if (all === `${'0'.repeat(31)}1`) return '::1';
  return all.match(/.{4}/g)!.join(':').toLowerCase();
};

interface Listener {
  readonly pid: number;
  readonly address: string;
  readonly port: number;
}

/** Every TCP socket in LISTEN state that a process of the tree holds, from /proc/net/tcp{,6}. */
const listenersOf = (pids: number[]): Listener[] => {
  const owner = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) owner.set(m[1], pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  const out: Listener[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const [, local, , state, , , , , , inode] = cols;
      if (state !== '0A') continue;
      const pid = owner.get(inode);
      if (pid === undefined) continue;
      const [addr, port] = local.split(':');
      out.push({ pid, address: decodeAddress(addr), port: parseInt(port, 16) });
    }
  }
  return out;
};

const loopback = new Set(['127.0.0.1', '::ffff:127.0.0.1', '::1']);

const getJson = async (url: string, headers?: Record<string, string>) => {
  const r = await fetch(url, { headers });
  return { status: r.status, json: (await r.json().catch(() => undefined)) as any };
};

const submit = async (port: number, body: Record<string, unknown>) => {
  const r = await fetch(`http://127.0.0.1:${port}/api/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as { trackingCode: string; accessKey: string; status: string } };
};

afterEach(killAll);
afterAll(cleanup);

const question = { kind: 'question', title: '本地栈自检', body: '启动后能否提交并查看？😀', anonymous: true };

describe('npm start (tsx local/main.ts)', () => {
  it('answers on 127.0.0.1 only, takes a submission, and stops cleanly on SIGTERM', { timeout: 40_000 }, async () => {
    const s = await startStack({ YIJIAN_IN_MEMORY: '1' });
    const readyMs = await waitForReady(s);
    const formUrl = `http://127.0.0.1:${s.port}/`;
    const first = await waitFor('a 200 from GET /api/form', async () => {
      const r = await fetch(`${formUrl}api/form`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 10_000);
    const firstAnswerMs = performance.now() - s.spawnedAt;
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await first.json()) as { kinds: unknown[] }).kinds).toHaveLength(5);

    // What a newcomer reads: where the form is, where the API is, that nothing is kept.
    const output = s.output();
    expect(output).toMatch(new RegExp(`form\\s+${formUrl.replace(/[./]/g, '\\$&')}\\s*$`, 'm'));
    expect(output).toContain(`${formUrl}api/form`);
    expect(output).toMatch(/in memory/);
    const page = await fetch(formUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);

    const receipt = await submit(s.port, question);
    expect(receipt.status).toBe(201);
    expect(receipt.json.trackingCode).toMatch(trackingCodePattern);
    const view = await getJson(`${formUrl}api/submissions/${receipt.json.trackingCode}`, { 'X-Access-Key': receipt.json.accessKey });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ title: question.title, body: question.body, status: receipt.json.status });

    // Sockets: the gateway and DynamoDB Local both listen, and only on loopback.
    const tree = processTree(s.child.pid!);
    const javaPid = javaIn(s.child.pid!);
    const listeners = listenersOf(tree);
    expect(listeners.map((l) => l.port)).toContain(s.port);
    expect(listeners.some((l) => l.pid === javaPid), `java listens: ${JSON.stringify(listeners)}`).toBe(true);
    for (const l of listeners) expect(loopback.has(l.address), `${comm(l.pid)} (${l.pid}) listens on ${l.address}:${l.port}`).toBe(true);

    // Idle footprint of the whole stack: tsx launcher + node + java.
    await sleep(1000);
    const rss = processTree(s.child.pid!).map((pid) => ({ pid, name: comm(pid), kib: rssKiB(pid) }));
    const totalMiB = rss.reduce((sum, p) => sum + p.kib, 0) / 1024;
    console.log(
      `npm start: URL printed after ${Math.round(readyMs)} ms, first 200 from GET /api/form after ${Math.round(firstAnswerMs)} ms; ` +
        `idle RSS ${totalMiB.toFixed(0)} MiB (${rss.map((p) => `${p.name} ${(p.kib / 1024).toFixed(0)} MiB`).join(' + ')})`,
    );

    s.child.kill('SIGTERM');
    const exit = await Promise.race([s.exited, sleep(15_000).then(() => 'timeout' as const)]);
    expect(exit, `no exit within 15 s:\n${s.output()}`).toEqual({ code: 0, signal: null });
    expect(s.output()).toMatch(/SIGTERM: stopping yijian…\s+stopped\./);
    await waitFor('java to be gone', () => (existsSync(`/proc/${javaPid}`) && alive(javaPid) ? undefined : true), 3000);
    expect(tree.filter(alive), 'no process of the stack is left').toEqual([]);
    await expect(fetch(formUrl)).rejects.toThrow();
  });

  it('keeps submissions in YIJIAN_DATA_DIR across a restart', { timeout: 120_000 }, async () => {
    const dataDir = tempDataDir('yijian-data-');
    const first = await startStack({ YIJIAN_DATA_DIR: dataDir });
    await waitForReady(first);
    expect(first.output()).toContain(dataDir);
    const receipt = await submit(first.port, { ...question, unitId: 'u01' });
    expect(receipt.status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await Promise.race([first.exited, sleep(15_000).then(() => 'timeout')])).toEqual({ code: 0, signal: null });
    expect(readdirSync(join(dataDir, 'dynamodb')).length, 'DynamoDB Local wrote files into the data dir').toBeGreaterThan(0);

    const second = await startStack({ YIJIAN_DATA_DIR: dataDir });
    await waitForReady(second);
    const url = `http://127.0.0.1:${second.port}/api/submissions/${receipt.json.trackingCode}`;
    const view = await getJson(url, { 'X-Access-Key': receipt.json.accessKey });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ trackingCode: receipt.json.trackingCode, title: question.title, status: receipt.json.status });
    // The key still guards it after the restart.
    expect((await getJson(url, { 'X-Access-Key': 'x'.repeat(43) })).status).toBe(404);
    second.child.kill('SIGTERM');
    expect(await Promise.race([second.exited, sleep(15_000).then(() => 'timeout')])).toEqual({ code: 0, signal: null });
  });

  it('DynamoDB Local exits by itself when the node process that started it is SIGKILLed', { timeout: 35_000 }, async () => {
    const s = await startStack({ YIJIAN_IN_MEMORY: '1' });
    await waitForReady(s);
    const javaPid = javaIn(s.child.pid!);
    const nodePid = parentOf(javaPid);
    expect(comm(nodePid)).toMatch(/node/);
    process.kill(nodePid, 'SIGKILL');
    const t0 = performance.now();
    await waitFor(`java ${javaPid} to exit after its parent was killed`, () => (alive(javaPid) ? undefined : true), 10_000, 100);
    console.log(`java exited ${Math.round(performance.now() - t0)} ms after its node parent was SIGKILLed`);
  });

  // The launcher only watches its direct parent. The tsx command line runs a second node process;
  // when that outer process is killed, the inner node (gateway on PORT) and java must not live on.
  it('takes the whole stack down when the tsx command line running it is SIGKILLed', { timeout: 35_000 }, async () => {
    const s = await startViaTsxCli({ YIJIAN_IN_MEMORY: '1' });
    await waitForReady(s);
    const tree = processTree(s.child.pid!);
    const javaPid = javaIn(s.child.pid!);
    s.child.kill('SIGKILL');
    await s.exited;
    const left = await waitFor('every process of the stack to exit', () => (tree.some(alive) ? undefined : []), 10_000, 200).catch(
      () => tree.filter(alive).map((pid) => `${comm(pid)}(${pid})`),
    );
    expect(left, `still running 10 s after tsx was SIGKILLed (java ${javaPid})`).toEqual([]);
  });

  it('`npm start` itself serves the form and stops on Ctrl-C (SIGINT to its process group)', { timeout: 35_000 }, async () => {
    const s = await launch('npm', ['start', '--silent'], { YIJIAN_IN_MEMORY: '1' });
    await waitForReady(s);
    const r = await getJson(`http://127.0.0.1:${s.port}/api/form`);
    expect(r.status).toBe(200);
    const tree = processTree(s.child.pid!);
    expect(tree.map(comm)).toContain('java');
    process.kill(-s.child.pid!, 'SIGINT');
    const exit = await Promise.race([s.exited, sleep(15_000).then(() => 'timeout' as const)]);
    expect(exit).not.toBe('timeout');
    // npm may exit before the node process it started has written its last lines to the shared pipe.
    await waitFor('the stop message', () => (/SIGINT: stopping yijian…\s+stopped\./.test(s.output()) ? true : undefined), 10_000).catch(() => undefined);
    expect(s.output()).toMatch(/SIGINT: stopping yijian…\s+stopped\./);
    await waitFor('every process of the stack to exit', () => (tree.some(alive) ? undefined : true), 5000);
  });
});
