import { beforeAll, describe, expect, it } from 'vitest';
import { useClockedStack } from '../support/clocked-stack';
import { OWN, ownUnit, type Person } from '../support/staff-people';
import { leakPattern } from '../support/stack';

/**
 * GET /api/reports/summary (API.md v2 "Exports for people"; fields in docs/api.md): for the same
 * filter its figures are the dashboard's, figure by figure, overall and by group, with the
 * dashboard's suppression of small units for leaders; its overdue and urged counts are what
 * GET /api/items counts; its sessions are their summaries; a period of local days counts the items
 * created in those Beijing days, and a period spanning everything counts what the counters count.
 */

const env = useClockedStack();
const { as } = env;

/** When the report is read (the clock goes back to now after each test). */
const later = new Date('2026-12-22T02:00:00.000Z');
let session: string;
const codes: Record<string, string> = {};

const submit = async (title: string, body: Record<string, unknown> = {}) => {
  const r = await env.http.post('/api/submissions', { kind: 'question', title, body: '请答复。', anonymous: true, unitId: ownUnit.id, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string };
};

beforeAll(async () => {
  // Tuesday 8 December, 22:50 UTC: Wednesday 9 December, 06:50 in Beijing.
  env.clock.set(new Date('2026-12-08T22:50:00.000Z'));
  codes.early = (await submit('清晨提交')).trackingCode;
  env.clock.set(new Date('2026-12-09T02:00:00.000Z'));
  for (const [i, resolved] of (['yes', 'yes', 'no', 'partly'] as const).entries()) {
    const item = await submit(`已答复 ${i}`, { kind: 'feedback', rating: 4 });
    expect((await as('own').post(`/api/items/${item.trackingCode}/replies`, { body: '已答复。', visibility: 'public' })).status).toBe(201);
    const satisfaction = resolved === 'no' ? 'unsatisfied' : 'satisfied';
    expect((await env.http.post(`/api/submissions/${item.trackingCode}/rating`, { satisfaction, resolved }, { 'X-Access-Key': item.accessKey })).status).toBe(200);
  }
  const practice = await submit('“周五夜学”', { kind: 'practice', body: '每周五晚集中学习一小时，效果好。' });
  codes.practice = practice.trackingCode;
  expect((await as('own').post(`/api/items/${practice.trackingCode}/transition`, { action: 'recommend' })).status).toBe(200);
  const elsewhere = await submit('另一组的事项', { unitId: 'u20' });
  expect((await as('office').post(`/api/items/${elsewhere.trackingCode}/transition`, { action: 'reject', reason: '不属于征求意见范围。' })).status).toBe(200);
  await submit('办公室队列', { unitId: undefined });
  const made = await as('office').post('/api/sessions', { title: '报告培训会', startsAt: '2026-12-09T01:00:00.000Z', groupId: OWN, place: '三楼会议室' });
  expect(made.status, made.text).toBe(201);
  session = made.json.code;
  for (const score of [5, 4, 4, 3, 5]) expect((await env.http.post(`/api/public/sessions/${session}/ratings`, { score }, { 'X-Session-Key': made.json.joinKey })).status).toBe(201);
  const recorded = await as('office').post(`/api/sessions/${session}/records`, {
    entries: [{ kind: 'question', title: '学时认定', body: '线上学时是否计入？', answer: '计入。' }, { kind: 'problem', title: '材料重复报送', body: '多个部门要求同样材料。', unitId: ownUnit.id }],
  });
  expect(recorded.status, recorded.text).toBe(201);
  // Friday 11 December: one more, on its own local day.
  env.clock.set(new Date('2026-12-11T03:00:00.000Z'));
  codes.friday = (await submit('周五的事项')).trackingCode;
  // The 22nd: the questions of the 9th are overdue, and urged by the sweeper.
  env.clock.set(later);
  await env.stack.sweep();
  await env.stack.drainTally();
});

const get = async (path: string, who: Person = 'office') => {
  env.clock.set(later);
  const r = await as(who).get(path);
  expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(200);
  return r.json;
};

/** Every item GET /api/items lists for a query. */
const listed = async (query: string) => {
  env.clock.set(later);
  const items: { trackingCode: string; createdAt: string }[] = [];
  let cursor: string | undefined;
  do {
    const r = await as('office').get(`/api/items?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return items;
};

/** The report's figures beside the dashboard's for one filter. */
const sameFigures = async (filter: string, who: Person = 'office') => {
  const report = await get(`/api/reports/summary${filter ? `?${filter}` : ''}`, who);
  const dashboard = await get(`/api/dashboard${filter ? `?${filter}` : ''}`, who);
  expect(report.totals).toEqual(dashboard.totals);
  expect(report.byKind).toEqual(dashboard.byKind);
  expect(report.satisfaction).toEqual(dashboard.satisfaction);
  expect(report.rates).toEqual(dashboard.rates);
  expect(report.rectifications).toEqual(dashboard.rectifications);
  expect(report.byGroup).toEqual(dashboard.byGroup);
  expect(report.hotSpots).toEqual(dashboard.byUnit.slice(0, 10));
  return { report, dashboard };
};

describe('the report\'s figures are the dashboard\'s', () => {
  for (const filter of ['', 'phase=study', 'phase=review', 'from=2026-12-09&to=2026-12-09', 'from=2026-12-10', 'to=2026-12-08', 'phase=study&from=2026-12-01&to=2026-12-31']) {
    it(`for ${filter || 'no filter'}`, async () => {
      const { report } = await sameFigures(filter);
      expect(report.filter.timezone).toBe('Asia/Shanghai');
    });
  }

  it('for leaders too, with small units suppressed as on their dashboard', async () => {
    const { report } = await sameFigures('', 'leader');
    expect(report.hotSpots.some((u: { suppressed?: boolean }) => u.suppressed)).toBe(true);
    for (const unit of report.hotSpots) if (unit.suppressed) expect(unit.total).toBeNull();
    const office = await get('/api/reports/summary');
    expect(office.hotSpots.every((u: { total: number | null }) => u.total !== null)).toBe(true);
  });

  it('counts a period by the Beijing days items were made on, and a period spanning everything as the counters do', async () => {
    const all = await listed('');
    const day9 = await get('/api/reports/summary?from=2026-12-09&to=2026-12-09');
    // The item made at 06:50 Beijing time on the 9th is the 9th's, not the 8th's.
    expect(day9.totals.all).toBe(all.filter((i) => i.createdAt >= '2026-12-08T16:00:00.000Z' && i.createdAt < '2026-12-09T16:00:00.000Z').length);
    expect((await get('/api/reports/summary?to=2026-12-08')).totals.all).toBe(0);
    expect((await get('/api/reports/summary?from=2026-12-10')).totals.all).toBe(1);
    // The calendar's first and last days are days like any other (the last has no end instant).
    expect((await get('/api/reports/summary?from=0001-01-01&to=9999-12-31')).totals.all).toBe(all.length);
    // Counted item by item over a period holding every item, the figures are the counters'.
    const counted = await get('/api/dashboard?from=2020-01-01&to=2099-12-31');
    const stored = await get('/api/dashboard');
    for (const key of ['totals', 'byKind', 'satisfaction', 'rates', 'byGroup', 'byUnit']) expect(counted[key], key).toEqual(stored[key]);
    expect(stored.totals.all).toBe(all.length);
  });
});

describe('what the report lists', () => {
  it('the overdue and urged items, counted as GET /api/items counts them', async () => {
    for (const filter of ['', 'phase=study', 'from=2026-12-09&to=2026-12-09', 'from=2026-12-11']) {
      const report = await get(`/api/reports/summary${filter ? `?${filter}` : ''}`);
      const inPeriod = filter.startsWith('from') ? (i: { createdAt: string }) => i.createdAt >= (filter.includes('12-11') ? '2026-12-10T16:00:00.000Z' : '2026-12-08T16:00:00.000Z') && (filter.includes('to=') ? i.createdAt < '2026-12-09T16:00:00.000Z' : true) : () => true;
      const phase = filter.startsWith('phase') ? `&${filter}` : '';
      const overdue = (await listed(`overdue=true${phase}`)).filter(inPeriod);
      const urged = (await listed(`urged=true${phase}`)).filter(inPeriod);
      expect(report.overdue.count, filter).toBe(overdue.length);
      expect(report.overdue.count, filter).toBe(report.totals.overdue);
      expect(report.overdue.items.map((i: { trackingCode: string }) => i.trackingCode)).toEqual(overdue.map((i) => i.trackingCode));
      expect(report.urged.count, filter).toBe(urged.length);
      expect(report.urged.count, filter).toBe(report.totals.urged);
      expect(report.urged.items.map((i: { trackingCode: string }) => i.trackingCode)).toEqual(urged.map((i) => i.trackingCode));
    }
    const report = await get('/api/reports/summary');
    expect(report.urged.count).toBeGreaterThan(0);
    expect(report.overdue.items.find((i: { trackingCode: string }) => i.trackingCode === codes.early)).toMatchObject({ unitName: ownUnit.name, groupName: '第一督导组', title: '清晨提交' });
  });

  it('a period\'s overdue and urged items (taken from the rows its figures are counted from) are those of the whole campaign\'s lists that fall in it, for leaders too', async () => {
    for (const who of ['office', 'leader'] as const) {
      const everything = await get('/api/reports/summary', who);
      // A period holding every item: the same lists, item for item, as the ones read by status and from the urged list.
      const whole = await get('/api/reports/summary?from=0001-01-01&to=9999-12-31', who);
      expect(whole.overdue, who).toEqual(everything.overdue);
      expect(whole.urged, who).toEqual(everything.urged);
      expect(whole.urged.count, who).toBeGreaterThan(0);
      const day9 = (await get('/api/reports/summary?from=2026-12-09&to=2026-12-09', who)).overdue;
      const made9 = (i: { createdAt: string }) => i.createdAt >= '2026-12-08T16:00:00.000Z' && i.createdAt < '2026-12-09T16:00:00.000Z';
      expect(day9.items, who).toEqual(everything.overdue.items.filter(made9));
      expect(day9.count, who).toBeGreaterThan(0);
      // A period with no items at all, and one whose items are none of them overdue.
      expect((await get('/api/reports/summary?to=2026-12-08', who)).overdue, who).toEqual({ count: 0, items: [] });
      expect((await get('/api/reports/summary?from=2026-12-10', who)).overdue.count, who).toBe(everything.overdue.items.filter((i: { createdAt: string }) => i.createdAt >= '2026-12-09T16:00:00.000Z').length);
    }
  });

  it('the sessions held, each with its summary, and never their join keys', async () => {
    const report = await get('/api/reports/summary?phase=study');
    const summary = await get(`/api/sessions/${session}/summary`);
    const shown = report.sessions.find((s: { session: { code: string } }) => s.session.code === session);
    expect(shown.ratings).toEqual(summary.ratings);
    expect(shown.items).toEqual(summary.items);
    expect(shown.session).toEqual({ code: session, title: '报告培训会', startsAt: '2026-12-09T01:00:00.000Z', place: '三楼会议室', phase: summary.session.phase, groupId: OWN });
    expect(JSON.stringify(report)).not.toContain(summary.session.joinKey);
    expect((await get('/api/reports/summary?from=2026-12-10')).sessions).toEqual([]);
  });

  it('the recommended good practices with their text', async () => {
    const report = await get('/api/reports/summary?from=2026-12-09&to=2026-12-09');
    expect(report.practices).toEqual([expect.objectContaining({ trackingCode: codes.practice, title: '“周五夜学”', body: '每周五晚集中学习一小时，效果好。', groupName: '第一督导组' })]);
    expect((await get('/api/reports/summary?phase=review')).practices).toEqual([]);
  });
});

describe('who may read it, and what it refuses', () => {
  it('the office and leaders; responders 403; bad dates and a period ending before it starts 400', async () => {
    env.clock.set(later);
    for (const [who, path, status] of [
      ['own', '/api/reports/summary', 403],
      ['other', '/api/reports/summary', 403],
      ['office', '/api/reports/summary?from=2026-12-10&to=2026-12-09', 400],
      ['office', '/api/reports/summary?from=yesterday', 400],
      ['office', '/api/reports/summary?groupId=g1', 400],
      ['office', '/api/dashboard?from=2026-12-10&to=2026-12-09', 400],
    ] as const) {
      const r = await as(who).get(path);
      expect(r.status, path).toBe(status);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.text).not.toMatch(leakPattern);
    }
  });
});
