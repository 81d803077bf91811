import { afterAll, describe, expect, it } from 'vitest';
import { sleep, stackProcesses, waitForReady, type Started } from '../support/npm-start';
import { alive, comm, processTree } from '../support/processes';

/**
 * Crash durability: submissions at full speed (16 at a time, ~3 s, each with its own title; every
 * other one with an Idempotency-Key, which makes it a transaction of the item and the idempotency
 * record, the rest a single PutItem), then SIGKILL to the gateway (node) and DynamoDB Local (java) in the same tick,
 * the instant a 201 has arrived, a restart on the same data dir, and the books checked:
 *   - every submission answered 201 is there, readable with its key, exactly as sent;
 *   - no submission is there twice; what is there was sent; requests without an answer may or may
 *     not have landed, but never twice;
 *   - every item came with its first history entry (kept on the item itself), and after the restart
 *     the dashboard counts each exactly once (the tally resumes from its checkpoint: a batch it had
 *     committed but not checkpointed comes again and its markers make it count nothing twice);
 *   - retrying the unanswered ones with their Idempotency-Key yields exactly one item each.
 */
const durationMs = Number(process.env.YIJIAN_CRASH_MS ?? 3000);
const concurrency = 16;

const stacks = stackProcesses();
afterAll(stacks.cleanup);

/** `npm start` on `dataDir`, ready. */
const startStack = async (dataDir: string): Promise<Started> => {
  const s = await stacks.startStack({ YIJIAN_DATA_DIR: dataDir, YIJIAN_RATE_LIMIT: 'off', YIJIAN_QUIET: '1' });
  await waitForReady(s, 40_000);
  return s;
};

interface Attempt {
  readonly n: number;
  readonly title: string;
  readonly body: string;
  readonly kind: string;
  readonly unitId: string;
  /** Every other submission has none: a plain PutItem rather than a transaction. */
  readonly key?: string;
  /** 'pending' until an answer comes; 'lost' when the connection died without one. */
  outcome: 'pending' | 'lost' | number;
  /** performance.now() when the request went out and when its answer was in. */
  sentAt?: number;
  answeredAt?: number;
  receipt?: { trackingCode: string; accessKey: string; status: string };
}

const kinds = ['feedback', 'question', 'suggestion', 'problem', 'practice'];

const submit = async (url: string, a: Attempt) => {
  const r = await fetch(`${url}/api/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(a.key ? { 'idempotency-key': a.key } : {}) },
    body: JSON.stringify({ kind: a.kind, title: a.title, body: a.body, unitId: a.unitId, anonymous: true }),
  });
  const text = await r.text();
  return { status: r.status, json: (r.status === 201 ? JSON.parse(text) : undefined) as Attempt['receipt'] };
};

/** Every item the office can list, walked through nextCursor. */
const listAll = async (url: string, token: string) => {
  const rows: { id: string; title: string; status: string }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await fetch(`${url}/api/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const json = (await r.json()) as { items: { id: string; title: string; status: string }[]; nextCursor?: string };
    rows.push(...json.items);
    cursor = json.nextCursor;
    if (!cursor) return rows;
  }
  throw new Error('the list never ended');
};

/** Runs `fn` over `items` with `width` at a time. */
const pool = async <T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
};

const officeToken = async (url: string) => {
  const r = await fetch(`${url}/api/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'crash-office', name: '办公室', groups: ['office'] }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { token: string }).token;
};

describe('crash durability', () => {
  it('keeps every acknowledged submission, once, through SIGKILL of gateway and DynamoDB Local', { timeout: 180_000 }, async () => {
    const dataDir = stacks.tempDataDir('yijian-crash-');
    const run = Date.now().toString(36);

    // 1. Full speed, 16 at a time, until the kill.
    const first = await startStack(dataDir);
    const nodePid = first.child.pid!;
    const javaPids = processTree(nodePid).filter((p) => comm(p) === 'java');
    expect(javaPids, 'one java process under the node process').toHaveLength(1);
    const attempts: Attempt[] = [];
    let stop = false;
    let counter = 0;
    /**
     * The kill, node and java in the same tick, no chance to shut down. Armed after the burst, it
     * fires the moment the next 201 is in: the worst instant for an acknowledged write, when the
     * answer has left but nothing after it has run yet.
     */
    let armed = false;
    let killedAt = 0;
    const kill = () => {
      if (killedAt) return;
      killedAt = performance.now();
      stop = true; // no new requests; those in flight stay in flight
      process.kill(nodePid, 'SIGKILL');
      for (const pid of javaPids) process.kill(pid, 'SIGKILL');
    };
    const attempt = async () => {
      const n = counter++;
      const a: Attempt = {
        n,
        title: `crash-${run}-${n}`,
        body: `第${n}条 😀 body of ${n}\n${'意'.repeat(n % 50)}`,
        kind: kinds[n % kinds.length],
        unitId: `u${String((n % 60) + 1).padStart(2, '0')}`,
        ...(n % 2 === 0 ? { key: `crash-${run}-${n}-idempotency` } : {}),
        outcome: 'pending',
      };
      attempts.push(a);
      try {
        a.sentAt = performance.now();
        const r = await submit(first.url, a);
        a.answeredAt = performance.now();
        a.outcome = r.status;
        a.receipt = r.json;
        if (armed && r.status === 201) kill();
      } catch {
        a.outcome = 'lost';
      }
    };
    // Warm up first (handler modules load, the JVM compiles), so the burst runs at full speed.
    for (let i = 0; i < 20; i++) await attempt();
    const t0 = performance.now();
    const workers = Array.from({ length: concurrency }, async () => {
      while (!stop) await attempt();
    });
    // ~3 s at full speed, and at least 32 answers during the burst (longer on a slow machine).
    const burstAnswers = () => attempts.filter((a) => a.n >= 20 && a.outcome === 201).length;
    while (performance.now() - t0 < durationMs || (burstAnswers() < 32 && performance.now() - t0 < 30_000)) await sleep(20);
    armed = true;
    const armedAt = performance.now();
    while (!killedAt && performance.now() - armedAt < 5_000) await sleep(5);
    kill(); // no 201 in 5 s: kill anyway
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (javaPids.some(alive) && Date.now() < deadline) await sleep(50);
    expect(javaPids.filter(alive), 'java is gone').toEqual([]);
    await Promise.all(workers);
    stacks.forget(first);

    const acknowledged = attempts.filter((a) => a.outcome === 201);
    const unanswered = attempts.filter((a) => a.outcome === 'lost' || a.outcome === 'pending');
    const otherwise = attempts.filter((a) => typeof a.outcome === 'number' && a.outcome !== 201);
    expect(otherwise.map((a) => a.outcome), 'no answer but 201 before the kill').toEqual([]);
    expect(acknowledged.length - 20, 'answers during the burst').toBeGreaterThanOrEqual(32);
    expect(unanswered.length, 'the kill caught requests in flight').toBeGreaterThan(0);

    // 2. Restart on the same data dir.
    const restartT0 = performance.now();
    const second = await startStack(dataDir);
    const restartMs = performance.now() - restartT0;
    const token = await officeToken(second.url);

    // 3. Every 201 is there, readable with its key, exactly as sent.
    const unreadable: string[] = [];
    await pool(acknowledged, 16, async (a) => {
      const r = await fetch(`${second.url}/api/submissions/${a.receipt!.trackingCode}`, { headers: { 'X-Access-Key': a.receipt!.accessKey } });
      const view = (await r.json()) as { title?: string; body?: string; kind?: string };
      if (r.status !== 200 || view.title !== a.title || view.body !== a.body || view.kind !== a.kind) {
        unreadable.push(`${a.title} (${a.receipt!.trackingCode}): ${r.status}, answered ${Math.round(killedAt - a.answeredAt!)} ms before the kill`);
      }
    });
    expect(unreadable.join('\n'), 'acknowledged submissions missing or changed after the crash').toBe('');

    // 4. None twice; nothing that was not sent; every 201 exactly once; unanswered at most once.
    const stored = await listAll(second.url, token); // ours and the demo items a new data dir starts with
    const ours = stored.filter((row) => row.title.startsWith(`crash-${run}-`));
    const byTitle = new Map<string, string[]>();
    for (const row of ours) byTitle.set(row.title, [...(byTitle.get(row.title) ?? []), row.id]);
    const twice = [...byTitle].filter(([, ids]) => ids.length > 1);
    expect(twice, 'a submission stored twice').toEqual([]);
    const sent = new Map(attempts.map((a) => [a.title, a]));
    expect([...byTitle.keys()].filter((t) => !sent.has(t)), 'items nobody sent').toEqual([]);
    for (const a of acknowledged) expect(byTitle.get(a.title), a.title).toEqual([a.receipt!.trackingCode]);
    const landedUnanswered = unanswered.filter((a) => byTitle.has(a.title));
    expect(ours.length).toBe(acknowledged.length + landedUnanswered.length);

    // 5. Each item came with its first history entry, and the dashboard counted each exactly once.
    const partial: string[] = [];
    await pool(ours, 16, async (row) => {
      const r = await fetch(`${second.url}/api/items/${row.id}`, { headers: { authorization: `Bearer ${token}` } });
      const item = (await r.json()) as { history?: { action: string }[]; version?: number };
      if (r.status !== 200 || item.history?.[0]?.action !== 'submit' || item.version !== 1) partial.push(`${row.id}: ${r.status} ${JSON.stringify(item).slice(0, 200)}`);
    });
    expect(partial, 'items without their first event').toEqual([]);
    const dashboard = await fetch(`${second.url}/api/dashboard`, { headers: { authorization: `Bearer ${token}` } });
    const totals = ((await dashboard.json()) as { totals: { all: number } }).totals;
    expect(totals.all, 'the dashboard counts every stored item once').toBe(stored.length);

    // Both write paths went through the kill.
    expect(acknowledged.filter((a) => a.key).length, 'acknowledged transactions').toBeGreaterThan(0);
    expect(acknowledged.filter((a) => !a.key).length, 'acknowledged single PutItems').toBeGreaterThan(0);

    // 6. The unanswered ones with a key, retried with the same Idempotency-Key: one item each, no more.
    const retried = new Map<string, Attempt['receipt']>();
    const retriable = unanswered.filter((a) => a.key);
    await pool(retriable, 16, async (a) => {
      const r = await submit(second.url, a);
      expect(r.status, a.title).toBe(201);
      retried.set(a.title, r.json);
    });
    // And a few acknowledged ones: the retry gets the very receipt of the first answer.
    for (const a of acknowledged.filter((x) => x.key).slice(0, 10)) {
      const r = await submit(second.url, a);
      expect(r.status).toBe(201);
      expect(r.json).toEqual(a.receipt);
    }
    const after = (await listAll(second.url, token)).filter((row) => row.title.startsWith(`crash-${run}-`));
    const afterByTitle = new Map<string, string[]>();
    for (const row of after) afterByTitle.set(row.title, [...(afterByTitle.get(row.title) ?? []), row.id]);
    for (const a of retriable) {
      const ids = afterByTitle.get(a.title);
      expect(ids, `${a.title} after its retry`).toHaveLength(1);
      expect(ids![0]).toBe(retried.get(a.title)!.trackingCode);
      // One that had landed before the kill is answered with its original receipt, not a new item.
      if (byTitle.has(a.title)) expect(retried.get(a.title)!.trackingCode).toBe(byTitle.get(a.title)![0]);
    }
    const landedKeyless = unanswered.filter((a) => !a.key && byTitle.has(a.title));
    expect(after.length).toBe(acknowledged.length + retriable.length + landedKeyless.length);

    // A clean stop after all that (the stream poller has a backlog of notifications to drain).
    const stopT0 = performance.now();
    second.child.kill('SIGTERM');
    const stopped = await Promise.race([second.exited, sleep(30_000).then(() => null)]);
    const stopNote = stopped ? `stopped by SIGTERM in ${Math.round(performance.now() - stopT0)} ms` : 'no exit within 30 s of SIGTERM (killed)';

    console.log(
      `crash: ${attempts.length} submissions (20 to warm up, then ${Math.round(killedAt - t0)} ms at ${concurrency} at a time); ` +
        `${acknowledged.length} answered 201, ${unanswered.length} in flight at the SIGKILL ` +
        `(${landedUnanswered.length} of them had landed); restart in ${Math.round(restartMs)} ms; ` +
        `after the retries ${after.length} items, each once; ${stopNote}`,
    );
    if (stopped) stacks.forget(second);
  });
});
