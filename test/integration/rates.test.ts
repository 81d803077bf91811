import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdjustableClock } from '../../local/clock';
import type { LocalStack } from '../../local/stack';
import { demoDirectory } from '../../shared/demo/directory';
import { countRates, type RatedFields } from '../support/count-rates';
import { api, leakPattern, startTestStack, type Api } from '../support/stack';
import { OTHER, OWN, ownUnit, people, type Person } from '../support/staff-people';

/**
 * The three rates (三率) on the real local stack with the clock moved across the response window:
 * in every filter (overall, group, phase, session) the dashboard's rates equal what a client counts
 * from GET /api/items and each listed item's GET /api/items/{id}. The item fields the client counts
 * with are checked against the item's history first, and the figures against numbers known from
 * how the items were handled.
 */
let stack: LocalStack;
let clock: AdjustableClock;
let http: Api;
const tokens: Partial<Record<Person, string>> = {};

const as = (who: Person) => {
  const headers = () => ({ authorization: `Bearer ${tokens[who]}` });
  return {
    get: (path: string) => http.call('GET', path, { headers: headers() }),
    post: (path: string, body: unknown) => http.call('POST', path, { body, headers: headers() }),
  };
};

/** 10:00 in Shanghai on a date. */
const at10 = (date: string, hours = 0) => new Date(Date.parse(`${date}T10:00:00.000+08:00`) + hours * 3_600_000);
/** Monday 7 December 2026 (phase `study`): routed items must be acted on by the end of Tuesday 8 December. */
const monday = '2026-12-07';
const tuesdayEnd = '2026-12-08T15:59:59.999Z';
const otherUnit = demoDirectory.units.find((u) => u.groupId === OTHER && u.system === ownUnit.system)!;

interface Receipt {
  trackingCode: string;
  accessKey: string;
  status: string;
}

const submit = async (body: Record<string, unknown>): Promise<Receipt> => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '关于学习资料', body: '资料什么时候发？', anonymous: true, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json;
};
const act = async (who: Person, code: string, path: string, body: unknown) => {
  const r = await as(who).post(`/api/items/${code}/${path}`, body);
  expect(r.status, r.text).toBeLessThan(300);
};
const reply = (who: Person, code: string) => act(who, code, 'replies', { body: '已答复。', visibility: 'public' });
const rate = async (receipt: Receipt, body: Record<string, unknown>) => {
  const r = await http.post(`/api/submissions/${receipt.trackingCode}/rating`, body, { 'X-Access-Key': receipt.accessKey });
  expect(r.status, r.text).toBe(200);
};

type Row = RatedFields & { trackingCode: string; groupId?: string; phase: string; history: { at: string; action: string; to?: string }[] };

/** Every item GET /api/items lists for a filter (through its cursor), each read in full. */
const listItems = async (query: string): Promise<Row[]> => {
  const codes: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await as('office').get(`/api/items?${[query, 'limit=100', cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&')}`);
    expect(r.status, r.text).toBe(200);
    codes.push(...r.json.items.map((i: { trackingCode: string }) => i.trackingCode));
    cursor = r.json.nextCursor;
  } while (cursor);
  return Promise.all(
    codes.map(async (code) => {
      const r = await as('office').get(`/api/items/${code}`);
      expect(r.status, r.text).toBe(200);
      return r.json as Row;
    }),
  );
};

/** The response fields each item shows are what its history says. */
const expectFieldsFromHistory = (rows: readonly Row[]) => {
  for (const row of rows) {
    const routed = row.history.find((h) => h.to === 'assigned');
    expect(row.routedAt, row.trackingCode).toBe(routed?.at);
    const acted = routed && row.history.find((h) => (h.action === 'start' || h.action === 'reply') && h.at >= routed.at);
    expect(row.respondedAt, row.trackingCode).toBe(acted?.at);
  }
};

/** In each filter, the dashboard's rates (overall and per group row) equal the counts from the lists. */
const expectRatesEqualLists = async (filters: readonly string[]) => {
  const now = clock.now().toISOString();
  for (const filter of filters) {
    const dashboard = await as('office').get(`/api/dashboard?${filter}`);
    expect(dashboard.status, dashboard.text).toBe(200);
    const rows = await listItems(filter);
    expectFieldsFromHistory(rows);
    expect(dashboard.json.rates, `overall ${filter}`).toEqual(countRates(rows, now));
    for (const group of dashboard.json.byGroup as { groupId: string | null; rates: unknown }[]) {
      const own = rows.filter((r) => (r.groupId ?? null) === group.groupId);
      expect(group.rates, `${group.groupId} ${filter}`).toEqual(countRates(own, now));
    }
  }
};

let session = '';
const filters = () => ['', `groupId=${OWN}`, `groupId=${OTHER}`, 'phase=study', 'phase=review', `sessionCode=${session}`, `sessionCode=${session}&groupId=${OWN}`];
const receipts: Record<string, Receipt> = {};

beforeAll(async () => {
  stack = await startTestStack({ sweepIntervalSeconds: 0 });
  clock = stack.clock;
  http = api(stack.url);
  for (const who of Object.keys(people) as Person[]) tokens[who] = await stack.issuer.issue(people[who]);
  expect(otherUnit).toBeDefined();
});
afterAll(async () => {
  clock?.set(null);
  await stack?.stop();
});

describe('the three rates', () => {
  it('equal the counts from GET /api/items in every filter, before and after the response window passes', async () => {
    clock.set(at10(monday));
    // a, b, c: routed to OWN on submission; d: left in the office queue, assigned to OTHER later.
    for (const name of ['a', 'b', 'c']) receipts[name] = await submit({ unitId: ownUnit.id });
    receipts.d = await submit({ kind: 'suggestion' });
    expect(receipts.a.status).toBe('assigned');
    expect(receipts.d.status).toBe('submitted');
    const s = await as('office').post('/api/sessions', { title: '学习动员培训会', startsAt: at10(monday).toISOString(), groupId: OWN });
    expect(s.status, s.text).toBe(201);
    session = s.json.code;
    const recorded = await as('office').post(`/api/sessions/${session}/records`, {
      entries: [
        { kind: 'question', title: '会上提问一', body: '现场已答复的问题。', unitId: ownUnit.id, answer: '现场答复。' },
        { kind: 'question', title: '会上提问二', body: '会后办理的问题。', unitId: ownUnit.id },
      ],
    });
    expect(recorded.status, recorded.text).toBe(201);

    clock.set(at10(monday, 1));
    await act('own', receipts.a.trackingCode, 'transition', { action: 'start' });
    clock.set(at10(monday, 2));
    await act('office', receipts.d.trackingCode, 'assign', { groupId: OTHER });
    clock.set(at10(monday, 3));
    await reply('other', receipts.d.trackingCode);
    await reply('own', receipts.a.trackingCode);
    await rate(receipts.a, { satisfaction: 'satisfied', resolved: 'yes' });
    await rate(receipts.d, { satisfaction: 'basically' });

    const a = await as('office').get(`/api/items/${receipts.a.trackingCode}`);
    expect(a.json).toMatchObject({ routedAt: at10(monday).toISOString(), respondBy: tuesdayEnd, respondedAt: at10(monday, 1).toISOString(), resolved: 'yes' });
    const tracked = await http.get(`/api/submissions/${receipts.a.trackingCode}`, { 'X-Access-Key': receipts.a.accessKey });
    expect(tracked.json).toMatchObject({ satisfaction: 'satisfied', resolved: 'yes' });

    // Inside the window only what was acted on counts for the response rate.
    await expectRatesEqualLists(filters());
    const early = (await as('office').get('/api/dashboard')).json.rates;
    expect(early).toEqual({
      response: { numerator: 2, denominator: 2, rate: 1 },
      resolution: { numerator: 1, denominator: 1, rate: 1 },
      satisfaction: { numerator: 2, denominator: 2, rate: 1 },
    });

    // At the window's last millisecond nothing has changed; one millisecond later b, c and the
    // session's routed entry count against the response rate.
    clock.set(new Date(tuesdayEnd));
    expect((await as('office').get('/api/dashboard')).json.rates.response).toEqual(early.response);
    clock.set(new Date(Date.parse(tuesdayEnd) + 1));
    expect((await as('office').get('/api/dashboard')).json.rates.response).toEqual({ numerator: 2, denominator: 5, rate: 0.4 });

    // Wednesday: b is answered late and rated unsatisfied, not resolved (it reopens).
    clock.set(at10('2026-12-09'));
    await reply('own', receipts.b.trackingCode);
    await rate(receipts.b, { satisfaction: 'unsatisfied', resolved: 'no', comment: '没有解决。' });
    await expectRatesEqualLists(filters());
    expect((await as('office').get('/api/dashboard')).json.rates).toEqual({
      response: { numerator: 2, denominator: 5, rate: 0.4 },
      resolution: { numerator: 1, denominator: 2, rate: 0.5 },
      satisfaction: { numerator: 2, denominator: 3, rate: 0.667 },
    });
    const own = (await as('office').get(`/api/dashboard?sessionCode=${session}`)).json;
    expect(own.rates.response).toEqual({ numerator: 0, denominator: 1, rate: 0 });

    // Next phase: a new item routed to OTHER; its window passes two working days later.
    clock.set(at10('2027-03-02'));
    receipts.e = await submit({ unitId: otherUnit.id });
    await expectRatesEqualLists(filters());
    clock.set(at10('2027-03-04'));
    await expectRatesEqualLists(filters());
    const review = (await as('office').get('/api/dashboard?phase=review')).json;
    expect(review.rates.response).toEqual({ numerator: 0, denominator: 1, rate: 0 });
    expect(review.rates.satisfaction).toEqual({ numerator: 0, denominator: 0, rate: null });
  });

  it('refuses a resolved answer outside the three choices (400) and keeps the item as it was', async () => {
    clock.set(at10('2027-03-04', 1));
    const receipt = await submit({ unitId: ownUnit.id });
    await reply('own', receipt.trackingCode);
    const before = (await as('office').get(`/api/items/${receipt.trackingCode}`)).json;
    for (const resolved of ['maybe', '', 1, null]) {
      const r = await http.post(`/api/submissions/${receipt.trackingCode}/rating`, { satisfaction: 'satisfied', resolved }, { 'X-Access-Key': receipt.accessKey });
      expect(r.status, r.text).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.text).not.toMatch(leakPattern);
    }
    expect((await as('office').get(`/api/items/${receipt.trackingCode}`)).json).toEqual(before);
  });
});

describe('small counts per unit', () => {
  it('hides a unit with fewer than privacy.minCount items from leaders and responders, not from the office', async () => {
    const minCount = demoDirectory.privacy?.minCount ?? 5;
    const office = (await as('office').get('/api/dashboard')).json;
    const leader = (await as('leader').get('/api/dashboard')).json;
    const small = office.byUnit.find((u: { unitId: string }) => u.unitId === otherUnit.id);
    expect(small.total).toBeLessThan(minCount);
    expect(small.suppressed).toBeUndefined();
    expect(leader.byUnit.find((u: { unitId: string }) => u.unitId === otherUnit.id)).toEqual({ unitId: otherUnit.id, name: otherUnit.name, total: null, open: null, problems: null, suppressed: true });
    // Enough items: the numbers show to leaders too.
    const big = office.byUnit.find((u: { unitId: string }) => u.unitId === ownUnit.id);
    expect(big.total).toBeGreaterThanOrEqual(minCount);
    expect(leader.byUnit.find((u: { unitId: string }) => u.unitId === ownUnit.id)).toEqual(big);
    // The units' order is the office's: suppression hides numbers, not rows.
    expect(leader.byUnit.map((u: { unitId: string }) => u.unitId)).toEqual(office.byUnit.map((u: { unitId: string }) => u.unitId));
  });
});
