import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sleep, stackProcesses, waitForReady } from '../support/npm-start';
import { alive, comm, processTree } from '../support/processes';

/**
 * Issue #14, point 11: `npm start` survives its DynamoDB Local dying. With a data dir the stack
 * starts it again on the same files and the API answers again, data included; in memory there is
 * nothing to come back to, and the stack exits non-zero with a message instead of answering 503
 * beside pages that answer 200. (The bound on restarts of an engine that keeps dying is in
 * test/unit/engine-keeper.test.ts.)
 */
const { startStack, tempDataDir, killAll, cleanup } = stackProcesses();
afterEach(killAll);
afterAll(cleanup);

const javaOf = (pid: number): number | undefined => processTree(pid).find((p) => comm(p) === 'java' && alive(p));

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
};

const question = { kind: 'question', title: '引擎重启', body: '数据库进程退出后还能查看吗？', anonymous: true };

describe('npm start when DynamoDB Local dies', () => {
  it('starts it again on the same data dir: the API answers again, the data kept', { timeout: 90_000 }, async () => {
    const s = await startStack({ YIJIAN_DATA_DIR: tempDataDir('yijian-engine-'), YIJIAN_QUIET: '1' });
    await waitForReady(s);
    const created = await fetch(`${s.url}/api/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(question) });
    expect(created.status).toBe(201);
    const { trackingCode, accessKey } = (await created.json()) as { trackingCode: string; accessKey: string };
    const track = () => fetch(`${s.url}/api/submissions/${trackingCode}`, { headers: { 'X-Access-Key': accessKey } }).then((r) => r.status, () => 0);

    const firstJava = javaOf(s.child.pid!)!;
    expect(firstJava).toBeGreaterThan(0);
    process.kill(firstJava, 'SIGKILL');
    const secondJava = await waitFor('a new java process', () => {
      const pid = javaOf(s.child.pid!);
      return pid !== undefined && pid !== firstJava ? pid : undefined;
    }, 30_000);
    const statuses: number[] = [];
    await waitFor('the item to be readable again', async () => {
      const status = await track();
      statuses.push(status);
      return status === 200 ? true : undefined;
    }, 30_000);
    console.log(`engine restart: java ${firstJava} killed, ${secondJava} started; answers while it came back: ${[...new Set(statuses)].join(', ')}`);
    expect(s.output()).toMatch(/DynamoDB Local exited \(SIGKILL\); starting it again on /);
    expect(s.output()).toMatch(/DynamoDB Local is running again/);
    // New writes go through too, and the stack still stops cleanly.
    expect((await fetch(`${s.url}/api/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(question) })).status).toBe(201);
    s.child.kill('SIGTERM');
    // Whether it stops, not how fast (its pollers finish their pass first, slower on a loaded
    // machine: a clean-clone CI run once took over 15 s); its output says where it stood if not.
    const exit = await Promise.race([s.exited, sleep(30_000).then(() => 'timeout' as const)]);
    expect(exit, s.output()).toEqual({ code: 0, signal: null });
    expect(s.output()).not.toMatch(/starting it again[\s\S]*starting it again/);
    expect(alive(secondJava)).toBe(false);
  });

  it('in memory, exits non-zero with a clear message instead of answering 503 for ever', { timeout: 40_000 }, async () => {
    const s = await startStack({ YIJIAN_IN_MEMORY: '1', YIJIAN_QUIET: '1' });
    await waitForReady(s);
    expect((await fetch(`${s.url}/api/form`)).status).toBe(200);
    process.kill(javaOf(s.child.pid!)!, 'SIGKILL');
    const exit = await Promise.race([s.exited, sleep(20_000).then(() => 'timeout' as const)]);
    expect(exit, s.output()).toEqual({ code: 1, signal: null });
    expect(s.output()).toMatch(/yijian stops: DynamoDB Local exited \(SIGKILL\); it kept the data in memory/);
    // Nothing answers any more: neither the API nor the pages.
    await expect(fetch(`${s.url}/`)).rejects.toThrow();
  });
});
