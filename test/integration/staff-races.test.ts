import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api } from '../support/stack';

/**
 * Races on the staff side, as they happen when several people work one queue: concurrent writes
 * with and without If-Match, and bursts of writes that all touch the same group's counters.
 * Every answer is checked against what the item (and the dashboard) shows afterwards.
 */

let stack: LocalStack;
let http: Api;
const tokens: Record<'office' | 'leader' | 'respA' | 'respB', string> = { office: '', leader: '', respA: '', respB: '' };

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
  tokens.office = await stack.issuer.issue({ sub: 'office-1', name: '办公室 王', groups: ['office'] });
  tokens.leader = await stack.issuer.issue({ sub: 'leader-1', name: '领导 李', groups: ['leader'] });
  tokens.respA = await stack.issuer.issue({ sub: 'resp-a', name: '第一督导组 张', groups: ['group:g1'] });
  tokens.respB = await stack.issuer.issue({ sub: 'resp-b', name: '第一督导组 赵', groups: ['group:g1'] });
});
afterAll(async () => {
  await stack?.stop();
});

type Who = keyof typeof tokens;
const as = (who: Who, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokens[who]}`, ...extra });
/** Three people of the office and the item's group, in turn. */
const people: Who[] = ['office', 'respA', 'respB'];

/** A submission routed to 第一督导组 (unit u01), through the public API; returns its code. */
const submit = async (kind = 'question', title = '关于培训安排') => {
  const r = await http.post('/api/submissions', { kind, title, body: '下次培训能否提前一周通知？', unitId: 'u01', anonymous: true });
  expect(r.status, r.text).toBe(201);
  expect(r.json.status).toBe('assigned');
  return r.json.trackingCode as string;
};

const view = async (code: string) => {
  const r = await http.get(`/api/items/${code}`, as('office'));
  expect(r.status).toBe(200);
  expect(r.headers.get('etag')).toBe(`"${r.json.version}"`);
  return r.json;
};

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

const expectProblem = (r: Awaited<ReturnType<Api['get']>>, status: number) => {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status });
  expect(r.text).not.toMatch(leakPattern);
};

/** Every history entry that moves the status starts where the one before it left the item. */
const expectConsistentHistory = (item: { history: { from?: string; to?: string; action: string }[]; status: string; version: number }) => {
  expect(item.history).toHaveLength(item.version);
  let status: string | undefined;
  for (const entry of item.history) {
    if (entry.from !== undefined) expect(entry.from, `${entry.action} starts from the status before it`).toBe(status);
    if (entry.to !== undefined) status = entry.to;
  }
  expect(status).toBe(item.status);
};

describe('If-Match: one version, one winner', () => {
  it('10 concurrent replies with one If-Match give exactly one 201 and nine 412', async () => {
    const code = await submit();
    const before = await view(code);
    expect(before.version).toBe(1);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        http.post(`/api/items/${code}/replies`, { body: `答复 ${i}：已安排。`, visibility: i % 2 ? 'public' : 'internal' }, as(people[i % 3], { 'If-Match': '"1"' })),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 201: 1, 412: 9 });
    for (const lost of answers.filter((a) => a.status === 412)) expectProblem(lost, 412);
    const won = answers.find((a) => a.status === 201)!;
    expect(won.headers.get('etag')).toBe('"2"');

    const after = await view(code);
    expect(after.version).toBe(2);
    expect(after.replies.map((r: { id: string; body: string }) => [r.id, r.body])).toEqual([[won.json.id, won.json.body]]);
    expect(after.status).toBe(won.json.visibility === 'public' ? 'answered' : 'assigned');
    expectConsistentHistory(after);
  });

  it('10 concurrent transitions with one If-Match give exactly one 200 and nine 412', async () => {
    const code = await submit('practice', '推广“周五夜学”经验');
    const actions = ['start', 'recommend', 'unrecommend', 'start', 'recommend'];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => http.post(`/api/items/${code}/transition`, { action: actions[i % actions.length] }, as(people[i % 3], { 'If-Match': '"1"' }))),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 200: 1, 412: 9 });
    const after = await view(code);
    expect(after.version).toBe(2);
    expect(after).toEqual(answers.find((a) => a.status === 200)!.json);
    expectConsistentHistory(after);
  });

  it('answers a stale If-Match with 412 and changes nothing, and the fresh one with success', async () => {
    const code = await submit();
    expect((await http.post(`/api/items/${code}/replies`, { body: '内部记录', visibility: 'internal' }, as('respA', { 'If-Match': '"1"' }))).status).toBe(201);
    expectProblem(await http.post(`/api/items/${code}/replies`, { body: '过时', visibility: 'public' }, as('respB', { 'If-Match': '"1"' })), 412);
    expectProblem(await http.post(`/api/items/${code}/transition`, { action: 'start' }, as('respB', { 'If-Match': '"1"' })), 412);
    const mid = await view(code);
    expect(mid.version).toBe(2);
    expect(mid.status).toBe('assigned');
    expect((await http.post(`/api/items/${code}/transition`, { action: 'start' }, as('respB', { 'If-Match': '"2"' }))).status).toBe(200);
    expectConsistentHistory(await view(code));
  });
});

describe('without If-Match: no change is lost, none is applied blind', () => {
  /** One race of 20 transitions, shared by the two tests below. */
  let race: { actions: string[]; answers: Awaited<ReturnType<Api['post']>>[]; after: any } | undefined;
  const transitionRace = async () => {
    if (race) return race;
    const code = await submit('practice', '社区网格员参与学习的做法');
    const actions = [...Array(8).fill('recommend'), ...Array(8).fill('unrecommend'), ...Array(4).fill('start')];
    const answers = await Promise.all(actions.map((action, i) => http.post(`/api/items/${code}/transition`, { action }, as(people[i % 3]))));
    race = { actions, answers, after: await view(code) };
    return race;
  };

  it('20 concurrent transitions leave history length equal to the number of successful changes', async () => {
    const { actions, answers, after } = await transitionRace();
    const statuses = answers.map((a) => a.status);
    // 200 done; 409 a second `start` on an item already in progress; 503 gave up after retries.
    for (const [i, s] of statuses.entries()) expect([200, 409, 503], `${actions[i]} -> ${s}: ${answers[i].text.slice(0, 200)}`).toContain(s);
    for (const [i, s] of statuses.entries()) if (s === 409) expect(actions[i]).toBe('start');
    for (const a of answers.filter((x) => x.status === 503)) expectProblem(a, 503);
    const succeeded = answers.filter((a) => a.status === 200);
    expect(succeeded.length).toBeGreaterThan(0);

    expect(after.history).toHaveLength(1 + succeeded.length);
    expect(after.version).toBe(1 + succeeded.length);
    expectConsistentHistory(after);
    // The history tells the same story as the answers: what succeeded, in what number.
    const done = (action: string) => succeeded.filter((a) => actions[answers.indexOf(a)] === action).length;
    for (const action of ['recommend', 'unrecommend', 'start']) expect(after.history.filter((h: { action: string }) => h.action === action)).toHaveLength(done(action));
    expect(done('start')).toBe(after.status === 'in_progress' ? 1 : 0);
    // The flag is what the last recommend/unrecommend in the history set.
    const lastFlag = [...after.history].reverse().find((h: { action: string }) => h.action === 'recommend' || h.action === 'unrecommend');
    expect(after.recommended).toBe(lastFlag ? lastFlag.action === 'recommend' : false);
  });

  it('answers each successful concurrent transition with the version it made (2, 3, ...: no two the same)', async () => {
    const { answers } = await transitionRace();
    const succeeded = answers.filter((a) => a.status === 200);
    const claimed = succeeded.map((a) => a.json.version).sort((x: number, y: number) => x - y);
    expect(claimed).toEqual(Array.from({ length: succeeded.length }, (_, k) => k + 2));
    for (const a of succeeded) expect(a.headers.get('etag')).toBe(`"${a.json.version}"`);
  });

  it('20 concurrent internal notes from two responders and the office: every 201 is in the item, history length equals version', async () => {
    const code = await submit();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => http.post(`/api/items/${code}/replies`, { body: `内部记录 ${i}：已联系承办人。`, visibility: 'internal' }, as(people[i % 3]))),
    );
    for (const a of answers) expect([201, 503], a.text.slice(0, 200)).toContain(a.status);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);

    const after = await view(code);
    expect(after.replies).toHaveLength(created.length);
    expect(after.replies.map((r: { id: string }) => r.id).sort()).toEqual(created.map((a) => a.json.id).sort());
    for (const a of created) {
      const stored = after.replies.find((r: { id: string }) => r.id === a.json.id);
      expect(stored).toMatchObject({ body: a.json.body, visibility: 'internal', by: { sub: a.json.by.sub } });
    }
    expect(after.status).toBe('assigned');
    expect(after.version).toBe(1 + created.length);
    expectConsistentHistory(after);
    expect(new Set(created.map((a) => a.json.version)).size).toBe(created.length);
  });

  it('two responders answering at once: every acknowledged public reply and note is kept', async () => {
    const code = await submit();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http.post(`/api/items/${code}/replies`, { body: `第 ${i} 条`, visibility: i < 2 ? 'public' : 'internal' }, as(i % 2 ? 'respA' : 'respB')),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    for (const a of answers) expect([201, 503]).toContain(a.status);
    const after = await view(code);
    expect(after.replies.map((r: { id: string }) => r.id).sort()).toEqual(created.map((a) => a.json.id).sort());
    const publicOnes = created.filter((a) => a.json.visibility === 'public');
    expect(after.status).toBe(publicOnes.length ? 'answered' : 'assigned');
    expectConsistentHistory(after);
    // The submitter sees exactly the public replies that were acknowledged.
    const mine = await http.get('/api/items?groupId=g1&status=answered&limit=100', as('respA'));
    expect(mine.json.items.some((i: { id: string }) => i.id === code)).toBe(publicOnes.length > 0);
  });
});

// ---------------------------------------------------------------------------------------------
// Counters under bursts

/** How many items a list query gives in all, following every page. */
const count = async (query: string, who: Who = 'office') => {
  let n = 0;
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await http.get(`/api/items?limit=100&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as(who));
    expect(r.status, r.text.slice(0, 200)).toBe(200);
    n += r.json.items.length;
    cursor = r.json.nextCursor;
    expect(++pages).toBeLessThan(200);
  } while (cursor);
  return n;
};

const statuses = ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'];
const open = 'submitted,assigned,in_progress,reopened';

/** Every figure of the dashboard that a list can count, counted by the lists. */
const expectDashboardEqualsLists = async () => {
  const r = await http.get('/api/dashboard', as('office'));
  expect(r.status).toBe(200);
  const dash = r.json;
  expect(dash.totals.all).toBe(await count(''));
  for (const s of statuses) expect(dash.totals[s], s).toBe(await count(`status=${s}`));
  expect(dash.totals.overdue).toBe(await count('overdue=true'));
  for (const row of dash.byGroup.filter((g: { groupId: string | null }) => g.groupId !== null)) {
    expect(row.open, `${row.groupId} open`).toBe(await count(`groupId=${row.groupId}&status=${open}`));
    expect(row.answered, `${row.groupId} answered`).toBe(await count(`groupId=${row.groupId}&status=answered`));
    expect(row.closed, `${row.groupId} closed`).toBe(await count(`groupId=${row.groupId}&status=closed`));
    expect(row.overdue, `${row.groupId} overdue`).toBe(await count(`groupId=${row.groupId}&overdue=true`));
  }
  for (const [kind, n] of Object.entries(dash.byKind)) expect(n, kind).toBe(await count(`kind=${kind}`));
  for (const unit of dash.byUnit) {
    expect(unit.total, unit.unitId).toBe(await count(`unitId=${unit.unitId}`));
    expect(unit.open, unit.unitId).toBe(await count(`unitId=${unit.unitId}&status=${open}`));
  }
  // A responder's dashboard is their group's rows, and agrees with their own lists.
  const theirs = (await http.get('/api/dashboard', as('respA'))).json;
  expect(theirs.byGroup.map((g: { groupId: string }) => g.groupId)).toEqual(['g1']);
  expect(theirs.totals.all).toBe(await count('', 'respA'));
  return dash;
};

describe('counters under concurrent writes: no update is lost', () => {
  it('30 concurrent public submissions to one group leave the dashboard equal to the lists', async () => {
    const before = (await http.get('/api/dashboard', as('office'))).json;
    const g1Before = before.byGroup.find((g: { groupId: string }) => g.groupId === 'g1');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        http.post('/api/submissions', { kind: i % 3 ? 'question' : 'problem', title: `同时提交 ${i}`, body: '同一时刻提交的意见。', unitId: i % 2 ? 'u01' : 'u02', anonymous: true }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
    expect(new Set(answers.map((a) => a.json.trackingCode)).size).toBe(30);
    const dash = await expectDashboardEqualsLists();
    const g1 = dash.byGroup.find((g: { groupId: string }) => g.groupId === 'g1');
    expect(g1.open).toBe(g1Before.open + 30);
    expect(dash.totals.all).toBe(before.totals.all + 30);
    expect(dash.byKind.problem).toBe(before.byKind.problem + 10);
  });

  it('30 concurrent staff changes on 30 items of one group leave the dashboard equal to the lists', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push(await submit(i % 5 === 0 ? 'problem' : 'question', `批量处理 ${i}`));
    const before = (await http.get('/api/dashboard', as('office'))).json;
    const g1Before = before.byGroup.find((g: { groupId: string }) => g.groupId === 'g1');
    // Public replies (assigned -> answered, first reply time), starts, rejections and a move to
    // another group, all at once: every one of them moves counters of the same group.
    const answers = await Promise.all(
      codes.map((code, i) =>
        i % 4 === 0
          ? http.post(`/api/items/${code}/replies`, { body: '已答复。', visibility: 'public' }, as(people[i % 3]))
          : i % 4 === 1
            ? http.post(`/api/items/${code}/transition`, { action: 'start' }, as(people[i % 3]))
            : i % 4 === 2
              ? http.post(`/api/items/${code}/transition`, { action: 'reject', reason: '不属于征求意见范围。' }, as('office'))
              : http.post(`/api/items/${code}/assign`, { groupId: 'g2', note: '转第二督导组' }, as('office')),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(codes.map((_, i) => (i % 4 === 0 ? 201 : 200)));
    const dash = await expectDashboardEqualsLists();
    const g1 = dash.byGroup.find((g: { groupId: string }) => g.groupId === 'g1');
    const moved = codes.filter((_, i) => i % 4 === 3).length;
    const answered = codes.filter((_, i) => i % 4 === 0).length;
    const rejected = codes.filter((_, i) => i % 4 === 2).length;
    expect(g1.open).toBe(g1Before.open - answered - rejected - moved);
    expect(g1.answered).toBe(g1Before.answered + answered);
    expect(dash.totals.rejected).toBe(before.totals.rejected + rejected);
    expect(g1.medianFirstReplyHours).not.toBeNull();
  });

  it('lets a leader read the same dashboard and change nothing', async () => {
    const office = (await http.get('/api/dashboard', as('office'))).json;
    const leader = await http.get('/api/dashboard', as('leader'));
    expect(leader.status).toBe(200);
    expect({ ...leader.json, generatedAt: '' }).toEqual({ ...office, generatedAt: '' });
    const code = await submit();
    expectProblem(await http.post(`/api/items/${code}/replies`, { body: '领导批示', visibility: 'internal' }, as('leader')), 403);
    expect((await view(code)).version).toBe(1);
  });
});
