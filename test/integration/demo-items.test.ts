import { afterAll, describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { demoItems } from '../../shared/demo/items';
import { kindIds } from '../../shared/schemas/directory';
import { statusSchema } from '../../shared/schemas/submission';
import { sleep, stackProcesses, waitForReady } from '../support/npm-start';

/**
 * A first start has something to see: `npm start` on a new data dir seeds the demo items through
 * the services (histories, counters, e-mails), once; a restart on the same dir and an in-memory
 * start seed nothing.
 */
const { startStack, tempDataDir, forget, cleanup } = stackProcesses();
afterAll(cleanup);

const tokenFor = async (url: string, groups: string[]) => {
  const r = await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'demo-test', name: '测试', groups }) });
  return ((await r.json()) as { token: string }).token;
};

interface Summary {
  trackingCode: string;
  status: string;
  kind: string;
  groupId?: string;
  title: string;
}

/** Every item the office sees, page by page. */
const listAll = async (url: string, token: string): Promise<Summary[]> => {
  const out: Summary[] = [];
  let cursor: string | undefined;
  do {
    const r = await fetch(`${url}/api/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const page = (await r.json()) as { items: Summary[]; nextCursor?: string };
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
};

const stopped = async (s: Awaited<ReturnType<typeof startStack>>) => {
  s.child.kill('SIGTERM');
  expect(await Promise.race([s.exited, sleep(15_000).then(() => 'timeout')])).toEqual({ code: 0, signal: null });
  forget(s);
};

describe('npm start seeds demo items on a new data dir', () => {
  it('seeds a few dozen items across statuses, groups and kinds, with their histories, counters and e-mails, once', { timeout: 120_000 }, async () => {
    const dataDir = tempDataDir('yijian-demo-');
    const first = await startStack({ YIJIAN_DATA_DIR: dataDir, YIJIAN_QUIET: '1' });
    await waitForReady(first, 60_000);
    expect(first.output()).toContain(`${demoItems.length} demo items seeded`);
    const office = await tokenFor(first.url, ['office']);
    const items = await listAll(first.url, office);
    expect(items).toHaveLength(demoItems.length);
    expect(demoItems.length).toBeGreaterThanOrEqual(30);
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(statusSchema.options));
    expect(new Set(items.map((i) => i.kind))).toEqual(new Set(kindIds));
    expect(new Set(items.flatMap((i) => (i.groupId ? [i.groupId] : [])))).toEqual(new Set(demoDirectory.groups.map((g) => g.id)));
    // Something to triage at once: the office's 待分办 and a group's 待处理.
    expect(items.filter((i) => i.status === 'submitted').length).toBeGreaterThanOrEqual(3);

    // A story played through the services: the reopened item's history, step by step, in time order.
    const reopened = items.find((i) => i.title === '小区供暖温度不达标')!;
    const view = (await (await fetch(`${first.url}/api/items/${reopened.trackingCode}`, { headers: { authorization: `Bearer ${office}` } })).json()) as {
      status: string;
      history: { action: string; at: string }[];
    };
    expect(view.status).toBe('reopened');
    expect(view.history.map((e) => e.action)).toEqual(expect.arrayContaining(['submit', 'start', 'reply', 'rate']));
    const times = view.history.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(Date.parse(times[0])).toBeLessThan(Date.now() - 5 * 86_400_000);

    // The counters, as the tally counted the stream: the dashboard agrees with the list.
    const dashboard = (await (await fetch(`${first.url}/api/dashboard`, { headers: { authorization: `Bearer ${office}` } })).json()) as { totals: Record<string, number> };
    expect(dashboard.totals.all).toBe(demoItems.length);
    for (const status of statusSchema.options) expect(dashboard.totals[status], status).toBe(items.filter((i) => i.status === status).length);
    expect(dashboard.totals.overdue).toBeGreaterThan(0);
    // The answers the office published (答复公开), as everyone reads them.
    const published = demoItems.flatMap((i) => i.steps.flatMap((step) => (step.do === 'publish' ? [step.title] : [])));
    expect(published.length).toBeGreaterThanOrEqual(3);
    const answers = (await (await fetch(`${first.url}/api/public/answers`)).json()) as { answers: { title: string }[] };
    expect(answers.answers.map((a) => a.title).sort()).toEqual([...published].sort());
    // The rectifications (整改) the stories made: in the ledger in each of their statuses, one overdue.
    const ledger = (await (await fetch(`${first.url}/api/rectifications?limit=100`, { headers: { authorization: `Bearer ${office}` } })).json()) as { items: { status: string; overdue: boolean }[] };
    expect(ledger.items).toHaveLength(demoItems.filter((i) => i.steps.some((step) => step.do === 'plan')).length);
    expect(new Set(ledger.items.map((r) => r.status))).toEqual(new Set(['planned', 'in_progress', 'verified', 'returned']));
    expect(ledger.items.some((r) => r.overdue)).toBe(true);
    // The e-mails the notify worker sent for them (routed items tell their groups).
    const outbox = async () => ((await (await fetch(`${first.url}/api/dev/outbox`)).json()) as { items: { to: string[]; status?: string }[] }).items;
    const deadline = Date.now() + 20_000;
    while (!(await outbox()).some((m) => m.to.includes('group1@yijian.example')) && Date.now() < deadline) await sleep(200);
    expect((await outbox()).some((m) => m.to.includes('group1@yijian.example'))).toBe(true);
    await stopped(first);

    // The same data dir again: nothing seeded twice.
    const second = await startStack({ YIJIAN_DATA_DIR: dataDir, YIJIAN_QUIET: '1' });
    await waitForReady(second, 60_000);
    expect(second.output()).not.toContain('demo items seeded');
    expect(await listAll(second.url, await tokenFor(second.url, ['office']))).toHaveLength(demoItems.length);
    await stopped(second);
  });

  it('seeds nothing in memory (YIJIAN_IN_MEMORY=1)', { timeout: 60_000 }, async () => {
    const s = await startStack({ YIJIAN_IN_MEMORY: '1', YIJIAN_QUIET: '1' });
    await waitForReady(s, 45_000);
    expect(s.output()).not.toContain('demo items seeded');
    expect(await listAll(s.url, await tokenFor(s.url, ['office']))).toEqual([]);
    await stopped(s);
  });
});
