import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { sessionCodePattern } from '../../shared/domain/session-code';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api, type ApiResponse as Response } from '../support/stack';
import { OTHER, OWN, ownUnit, people, type Person } from '../support/staff-people';

/**
 * Training sessions through HTTP only: staff create, list, read and edit them; a participant
 * opens the link, rates the session and submits through it; a closed session refuses both.
 */
let stack: LocalStack;
let http: Api;
const tokens: Partial<Record<Person, string>> = {};

const as = (who: Person) => {
  const auth = () => ({ authorization: `Bearer ${tokens[who]}` });
  return {
    get: (path: string) => http.call('GET', path, { headers: auth() }),
    post: (path: string, body: unknown) => http.call('POST', path, { body, headers: auth() }),
    patch: (path: string, body: unknown, headers: Record<string, string> = {}) => http.call('PATCH', path, { body, headers: { ...auth(), ...headers } }),
  };
};

const expectProblem = (response: Response, status: number) => {
  expect(response.status, response.text.slice(0, 300)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(response.text).not.toMatch(leakPattern);
};

/** Rows of one partition prefix, read straight from the table (what is stored, not what is shown). */
const countRows = async (pk: string) => {
  const { client, tableName } = stack.deps.db;
  const page = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Select: 'COUNT', ConsistentRead: true }));
  return page.Count ?? 0;
};
const countItems = async () => {
  const { client, tableName } = stack.deps.db;
  const page = await client.send(new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ITEMS' }, Select: 'COUNT' }));
  return page.Count ?? 0;
};

const startsAt = '2026-12-08T01:30:00.000Z';
const newSession = async (who: Person = 'office', body: Record<string, unknown> = {}) => {
  const r = await as(who).post('/api/sessions', { title: '学习动员培训会', startsAt, place: '三楼会议室', ...body });
  expect(r.status, r.text).toBe(201);
  return r.json;
};

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
  for (const who of Object.keys(people) as Person[]) tokens[who] = await stack.issuer.issue(people[who]);
});
afterAll(async () => {
  await stack?.stop();
});

describe('POST /api/sessions', () => {
  it('gives a code to read aloud, a join key of at least 128 bits, the link, the phase at startsAt and an ETag', async () => {
    const r = await as('office').post('/api/sessions', { title: '培训会', startsAt, endsAt: '2026-12-08T03:30:00.000Z', unitIds: [ownUnit.id] });
    expect(r.status, r.text).toBe(201);
    expect(r.json.code).toMatch(sessionCodePattern);
    expect(Buffer.from(r.json.joinKey, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(r.json.joinKey).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(r.json.link).toBe(`/s/${r.json.code}#${r.json.joinKey}`);
    const phase = [...demoDirectory.campaign.phases].reverse().find((p) => p.startsOn <= '2026-12-08') ?? demoDirectory.campaign.phases[0];
    expect(r.json.phase).toEqual({ id: phase.id, name: phase.name });
    expect(r.json).toMatchObject({ open: true, version: 1, unitIds: [ownUnit.id], title: '培训会' });
    expect(r.headers.get('etag')).toBe('"1"');
  });

  it('lets a responder create one for their own group only (403 for another group or none), and never a leader', async () => {
    const own = await newSession('own', { groupId: OWN });
    expect(own.groupId).toBe(OWN);
    expectProblem(await as('own').post('/api/sessions', { title: 'x', startsAt, groupId: OTHER }), 403);
    expectProblem(await as('own').post('/api/sessions', { title: 'x', startsAt }), 403);
    expectProblem(await as('leader').post('/api/sessions', { title: 'x', startsAt }), 403);
  });

  it('refuses bad input with every field named, never a 500', async () => {
    const r = await as('office').post('/api/sessions', { title: '', startsAt: 'tomorrow', endsAt: startsAt, unitIds: ['nope'], extra: 1 });
    expectProblem(r, 400);
    const paths = r.json.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['title', 'startsAt', 'extra']));
    const before = await as('office').post('/api/sessions', { title: 'x', startsAt, endsAt: startsAt });
    expectProblem(before, 400);
    expect(before.json.errors).toEqual([{ path: 'endsAt', message: expect.any(String) }]);
    const unknown = await as('office').post('/api/sessions', { title: 'x', startsAt, unitIds: ['nope'], groupId: 'nope' });
    expectProblem(unknown, 400);
    expect(unknown.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['groupId', 'unitIds.0']);
  });
});

describe('GET /api/sessions and /api/sessions/{code}', () => {
  it('shows a responder their groups’ sessions and the office’s own, never another group’s (404)', async () => {
    const office = await newSession('office', { startsAt: '2027-01-05T02:00:00.000Z' });
    const mine = await newSession('office', { groupId: OWN, startsAt: '2027-01-05T03:00:00.000Z' });
    const theirs = await newSession('office', { groupId: OTHER, startsAt: '2027-01-05T04:00:00.000Z' });
    const listed = await as('own').get('/api/sessions?from=2027-01-05&to=2027-01-05');
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.sessions.map((s: { code: string }) => s.code)).toEqual([mine.code, office.code]);
    expect((await as('office').get('/api/sessions?from=2027-01-05&to=2027-01-05')).json.sessions.map((s: { code: string }) => s.code)).toEqual([theirs.code, mine.code, office.code]);
    expect((await as('leader').get(`/api/sessions?from=2027-01-05&to=2027-01-05&groupId=${OTHER}`)).json.sessions.map((s: { code: string }) => s.code)).toEqual([theirs.code]);
    expectProblem(await as('own').get(`/api/sessions/${theirs.code}`), 404);
    expectProblem(await as('own').get(`/api/sessions?groupId=${OTHER}`), 403);
    expect((await as('own').get(`/api/sessions?groupId=${OWN}&from=2027-01-05&to=2027-01-05`)).json.sessions.map((s: { code: string }) => s.code)).toEqual([mine.code]);
    const one = await as('own').get(`/api/sessions/${office.code.toLowerCase()}`);
    expect(one.status).toBe(200);
    expect(one.json.joinKey).toBe(office.joinKey);
    expect(one.headers.get('etag')).toBe('"1"');
  });

  it('lists without a date range too', async () => {
    const r = await as('office').get('/api/sessions?limit=100');
    expect(r.status, r.text).toBe(200);
    expect(r.json.sessions.length).toBeGreaterThan(3);
    const starts = r.json.sessions.map((s: { startsAt: string }) => s.startsAt);
    expect(starts).toEqual([...starts].sort().reverse());
  });

  it('pages newest startsAt first with a cursor, and filters by the local date', async () => {
    const codes: string[] = [];
    for (const hour of [1, 2, 3]) codes.push((await newSession('office', { startsAt: `2027-02-0${hour}T0${hour}:00:00.000Z` })).code);
    const first = await as('office').get('/api/sessions?from=2027-02-01&to=2027-02-03&limit=2');
    expect(first.json.sessions.map((s: { code: string }) => s.code)).toEqual([codes[2], codes[1]]);
    const second = await as('office').get(`/api/sessions?from=2027-02-01&to=2027-02-03&limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.sessions.map((s: { code: string }) => s.code)).toEqual([codes[0]]);
    expect(second.json.nextCursor).toBeUndefined();
    // 2027-02-03T03:00Z is 11:00 on the 3rd in Shanghai; 'to' the 2nd leaves it out.
    expect((await as('office').get('/api/sessions?from=2027-02-02&to=2027-02-02')).json.sessions.map((s: { code: string }) => s.code)).toEqual([codes[1]]);
    expectProblem(await as('office').get('/api/sessions?from=2027-02-31'), 400);
    expectProblem(await as('office').get('/api/sessions?cursor=nope'), 400);
  });
});

describe('PATCH /api/sessions/{code}', () => {
  it('needs If-Match (400 without, 412 stale), applies the change and moves the ETag', async () => {
    const s = await newSession('office', { groupId: OWN });
    const path = `/api/sessions/${s.code}`;
    expectProblem(await as('office').patch(path, { title: '改名' }), 400);
    const changed = await as('own').patch(path, { title: '改名', place: null, startsAt: '2026-11-02T01:00:00.000Z' }, { 'if-match': '"1"' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ title: '改名', version: 2, startsAt: '2026-11-02T01:00:00.000Z' });
    expect(changed.json.place).toBeUndefined();
    expect(changed.headers.get('etag')).toBe('"2"');
    expectProblem(await as('office').patch(path, { title: '又改' }, { 'if-match': '"1"' }), 412);
    expect((await as('office').get(path)).json.title).toBe('改名');
    expectProblem(await as('other').patch(path, { title: 'x' }, { 'if-match': '"2"' }), 404);
    const office = await newSession('office');
    expectProblem(await as('own').patch(`/api/sessions/${office.code}`, { title: 'x' }, { 'if-match': '"1"' }), 403);
    expectProblem(await as('office').patch(path, {}, { 'if-match': '"2"' }), 400);
    expectProblem(await as('office').patch(path, { endsAt: '2026-11-01T00:00:00.000Z' }, { 'if-match': '"2"' }), 400);
  });
});

describe('the participant’s link', () => {
  it('shows the session with its units for the right key; an unknown code and a wrong key are the same 404', async () => {
    const s = await newSession('office', { unitIds: [ownUnit.id] });
    const view = await http.get(`/api/public/sessions/${s.code}`, { 'X-Session-Key': s.joinKey });
    expect(view.status, view.text).toBe(200);
    expect(view.json).toEqual({ code: s.code, title: s.title, startsAt, place: '三楼会议室', phase: s.phase, open: true, units: [{ id: ownUnit.id, name: ownUnit.name }] });
    expect(view.text).not.toContain(s.joinKey);
    const wrong = await http.get(`/api/public/sessions/${s.code}`, { 'X-Session-Key': `${s.joinKey}x` });
    const unknown = await http.get('/api/public/sessions/PX-0000-0000', { 'X-Session-Key': s.joinKey });
    const none = await http.get(`/api/public/sessions/${s.code}`);
    for (const r of [wrong, unknown, none]) expectProblem(r, 404);
    expect(wrong.json).toEqual(unknown.json);
    const allUnits = await newSession();
    const all = await http.get(`/api/public/sessions/${allUnits.code}`, { 'X-Session-Key': allUnits.joinKey });
    expect(all.json.units).toHaveLength(demoDirectory.units.length);
  });

  it('takes ratings while open (201), refuses bad ones (400) and wrong keys (404); closed: 409 and nothing stored', async () => {
    const s = await newSession('office', { groupId: OWN });
    const rate = (body: unknown, key = s.joinKey) => http.post(`/api/public/sessions/${s.code}/ratings`, body, { 'X-Session-Key': key });
    const ok = await rate({ score: 5, comment: '讲得很清楚' });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json).toEqual({ received: true });
    expect((await rate({ score: 4 })).status).toBe(201);
    for (const bad of [{ score: 0 }, { score: 6 }, { score: 4.5 }, { score: 3, comment: '' }, { score: 3, comment: 'x'.repeat(501) }, { score: 3, extra: 1 }, {}]) expectProblem(await rate(bad), 400);
    expectProblem(await rate({ score: 3 }, 'wrong'), 404);
    expect(await countRows(`SESSION#${s.code}`)).toBe(3);
    const closed = await as('own').patch(`/api/sessions/${s.code}`, { open: false }, { 'if-match': '"1"' });
    expect(closed.json.open).toBe(false);
    const refused = await rate({ score: 5 });
    expectProblem(refused, 409);
    expect(refused.json.type).toMatch(/session-closed$/);
    expect(await countRows(`SESSION#${s.code}`)).toBe(3);
    expect((await http.get(`/api/public/sessions/${s.code}`, { 'X-Session-Key': s.joinKey })).json.open).toBe(false);
  });

  it('submits through the link: the item carries the session and source "session"; wrong key 400, closed 409, nothing stored', async () => {
    const s = await newSession('office');
    const body = { kind: 'question', title: '场次提问', body: '请问整改时限？', anonymous: true, unitId: ownUnit.id };
    const r = await http.post('/api/submissions', { ...body, session: { code: s.code.toLowerCase(), key: s.joinKey } });
    expect(r.status, r.text).toBe(201);
    const item = await as('office').get(`/api/items/${r.json.trackingCode}`);
    expect(item.json).toMatchObject({ sessionCode: s.code, source: 'session', answeredOnSpot: false });
    const plain = await http.post('/api/submissions', body);
    expect((await as('office').get(`/api/items/${plain.json.trackingCode}`)).json).toMatchObject({ source: 'form', answeredOnSpot: false });
    expect((await as('office').get(`/api/items/${plain.json.trackingCode}`)).json.sessionCode).toBeUndefined();
    const listed = await as('office').get('/api/items?limit=5');
    const row = listed.json.items.find((i: { trackingCode: string }) => i.trackingCode === r.json.trackingCode);
    expect(row).toMatchObject({ sessionCode: s.code, source: 'session', answeredOnSpot: false });

    const items = await countItems();
    const wrong = await http.post('/api/submissions', { ...body, session: { code: s.code, key: 'wrong' } });
    expectProblem(wrong, 400);
    expect(wrong.json.errors).toEqual([{ path: 'session', message: expect.any(String) }]);
    expectProblem(await http.post('/api/submissions', { ...body, session: { code: 'PX-0000-0000', key: s.joinKey } }), 400);
    expectProblem(await http.post('/api/submissions', { ...body, session: { code: s.code } }), 400);
    await as('office').patch(`/api/sessions/${s.code}`, { open: false }, { 'if-match': '"1"' });
    expectProblem(await http.post('/api/submissions', { ...body, session: { code: s.code, key: s.joinKey } }), 409);
    expect(await countItems()).toBe(items);
  });
});

/** Every row GET /api/items lists for a query, walked through its cursor. */
const listAll = async (who: Person, query: string) => {
  const rows: any[] = [];
  let cursor: string | undefined;
  do {
    const r = await as(who).get(`/api/items?${query}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    rows.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return rows;
};

/** Every item record in the table, by a full Scan (the test's own check that nothing half-written is left). */
const scanItemRecords = async () => {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { client, tableName } = stack.deps.db;
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    rows.push(...(page.Items ?? []).filter((row) => String(row.pk).startsWith('ITEM#')));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
};

describe('a session from link to summary', () => {
  it('rates, submits, records with and without answers, and sums up exactly what GET /api/items?sessionCode= counts', async () => {
    const s = await newSession('own', { groupId: OWN, unitIds: [ownUnit.id] });
    const key = { 'X-Session-Key': s.joinKey };
    expect((await http.get(`/api/public/sessions/${s.code}`, key)).status).toBe(200);
    for (const [score, comment] of [[5, '很好'], [4, undefined], [4, '案例丰富'], [2, '时间太长'], [5, undefined], [3, undefined]] as const) {
      expect((await http.post(`/api/public/sessions/${s.code}/ratings`, { score, ...(comment ? { comment } : {}) }, key)).status).toBe(201);
    }
    const submitted = await http.post('/api/submissions', { kind: 'suggestion', title: '现场建议', body: '建议分组讨论。', anonymous: true, unitId: ownUnit.id, session: { code: s.code, key: s.joinKey } });
    expect(submitted.status, submitted.text).toBe(201);

    const entries = [
      { kind: 'question', title: '学时如何认定', body: '线上学时是否计入？', unitId: ownUnit.id, answer: '计入，按实际时长认定。' },
      { kind: 'problem', title: '材料重复报送', body: '多个部门要求同样材料。', unitId: ownUnit.id },
      { kind: 'suggestion', title: '增加案例', body: '多讲本地案例。' },
      { kind: 'question', title: '何时反馈', body: '研究结果何时反馈？', answer: '两周内反馈。' },
    ];
    const recorded = await as('own').post(`/api/sessions/${s.code}/records`, { entries });
    expect(recorded.status, recorded.text).toBe(201);
    expect(recorded.json.items).toHaveLength(4);
    expect(recorded.json.items.map((i: { status: string; answeredOnSpot: boolean }) => [i.status, i.answeredOnSpot])).toEqual([
      ['closed', true],
      ['assigned', false],
      ['submitted', false],
      ['closed', true],
    ]);
    const [spot, routed] = recorded.json.items;
    const spotItem = (await as('office').get(`/api/items/${spot.trackingCode}`)).json;
    expect(spotItem).toMatchObject({ source: 'meeting', sessionCode: s.code, answeredOnSpot: true, status: 'closed', phase: s.phase.id, groupId: OWN });
    expect(spotItem.replies).toEqual([expect.objectContaining({ body: '计入，按实际时长认定。', visibility: 'public', by: { sub: people.own.sub, name: people.own.name } })]);
    expect(spotItem.history).toHaveLength(spotItem.version);
    const receipt = await http.get(`/api/submissions/${spot.trackingCode}`, { 'X-Access-Key': spot.accessKey });
    expect(receipt.status).toBe(200);
    expect(receipt.json.replies.map((r: { body: string }) => r.body)).toEqual(['计入，按实际时长认定。']);
    const routedItem = (await as('office').get(`/api/items/${routed.trackingCode}`)).json;
    expect(routedItem).toMatchObject({ source: 'meeting', answeredOnSpot: false, status: 'assigned', groupId: OWN, dueAt: expect.any(String) });
    // Answered later: a reply on the routed one.
    expect((await as('own').post(`/api/items/${routed.trackingCode}/replies`, { body: '已研究，见附件。', visibility: 'public' })).status).toBe(201);

    for (const who of ['office', 'own'] as const) {
      const rows = await listAll(who, `sessionCode=${s.code}`);
      const summary = await as(who).get(`/api/sessions/${s.code}/summary`);
      expect(summary.status, summary.text).toBe(200);
      const count = (pick: (row: any) => boolean) => rows.filter(pick).length;
      expect(summary.json.items).toEqual({
        total: rows.length,
        byKind: Object.fromEntries(['feedback', 'question', 'suggestion', 'problem', 'practice'].map((k) => [k, count((r) => r.kind === k)])),
        answeredOnSpot: count((r) => r.answeredOnSpot),
        routed: count((r) => !r.answeredOnSpot && r.groupId !== undefined),
        answered: count((r) => r.status === 'answered'),
        closed: count((r) => r.status === 'closed' && !r.answeredOnSpot),
        open: count((r) => ['submitted', 'assigned', 'in_progress', 'reopened'].includes(r.status)),
        overdue: count((r) => r.overdue),
      });
      expect(rows.every((r) => r.sessionCode === s.code)).toBe(true);
      // And the dashboard of the session counts the same rows.
      const dashboard = await as(who).get(`/api/dashboard?sessionCode=${s.code}`);
      expect(dashboard.status, dashboard.text).toBe(200);
      expect(dashboard.json.totals.all).toBe(rows.length);
      expect(dashboard.json.totals.closed).toBe(count((r) => r.status === 'closed'));
      expect(dashboard.json.byKind).toEqual(summary.json.items.byKind);
    }
    const office = (await as('office').get(`/api/sessions/${s.code}/summary`)).json;
    // The office sees the two entries left in its own queue (no unit: no route); the group does not.
    expect(office.items).toMatchObject({ total: 5, answeredOnSpot: 2, answered: 1, open: 2 });
    expect((await as('own').get(`/api/sessions/${s.code}/summary`)).json.items.total).toBe(3);
    expect(office.ratings).toEqual({ count: 6, average: 3.83, distribution: { 1: 0, 2: 1, 3: 1, 4: 2, 5: 2 }, comments: ['很好', '案例丰富', '时间太长'] });
    expect(office.session.code).toBe(s.code);

    // The filter reads codes as people type them; what cannot be a session code lists nothing.
    expect((await listAll('office', `sessionCode=${s.code.toLowerCase().replace(/-/g, '')}`)).length).toBe(5);
    expect(await listAll('office', 'sessionCode=nope')).toEqual([]);
    expect((await as('office').get(`/api/dashboard?sessionCode=${s.code}&groupId=${OWN}`)).json.totals.all).toBe(3);
    expectProblem(await as('other').get(`/api/dashboard?sessionCode=${s.code}&groupId=${OWN}`), 403);
    expect((await as('other').get(`/api/dashboard?sessionCode=${s.code}`)).json.totals.all).toBe(0);

    const csv = await as('office').get(`/api/exports/items.csv?sessionCode=${s.code}`);
    expect(csv.status).toBe(200);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]!.endsWith(',sessionCode,source,answeredOnSpot,resolved')).toBe(true);
    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => l.endsWith(`,${s.code},meeting,true,`))).toHaveLength(2);
    expect(lines.filter((l) => l.endsWith(`,${s.code},session,false,`))).toHaveLength(1);
  });

  it('suppresses the average, the distribution and the comments below privacy.minCount', async () => {
    const s = await newSession('office');
    const key = { 'X-Session-Key': s.joinKey };
    for (let i = 0; i < 4; i++) expect((await http.post(`/api/public/sessions/${s.code}/ratings`, { score: 5, comment: `第${i}条` }, key)).status).toBe(201);
    const below = (await as('leader').get(`/api/sessions/${s.code}/summary`)).json;
    expect(below.ratings).toEqual({ count: 4, average: null, distribution: null, comments: null });
    expect((await http.post(`/api/public/sessions/${s.code}/ratings`, { score: 1 }, key)).status).toBe(201);
    const at = (await as('leader').get(`/api/sessions/${s.code}/summary`)).json;
    expect(at.ratings).toMatchObject({ count: 5, average: 4.2, distribution: { 1: 1, 2: 0, 3: 0, 4: 0, 5: 4 } });
    expect(at.ratings.comments).toHaveLength(4);
    const empty = (await as('office').get(`/api/sessions/${(await newSession()).code}/summary`)).json;
    expect(empty.ratings).toEqual({ count: 0, average: null, distribution: null, comments: null });
    expect(empty.items.total).toBe(0);
  });
});

describe('POST /api/sessions/{code}/records', () => {
  it('is all or nothing: bad entries are named by index and nothing is stored (checked by a Scan)', async () => {
    const s = await newSession('office', { groupId: OWN });
    const good = { kind: 'question', title: '好的', body: '内容' };
    const before = await scanItemRecords();
    const shape = await as('office').post(`/api/sessions/${s.code}/records`, {
      entries: [good, good, good, { ...good, title: '' }, good, good, good, { ...good, kind: 'nope', answer: 'x'.repeat(5001) }],
    });
    expectProblem(shape, 400);
    expect(shape.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['entries.3.title', 'entries.7.answer', 'entries.7.kind']);
    const unit = await as('office').post(`/api/sessions/${s.code}/records`, { entries: [good, { ...good, unitId: 'nope' }, good, { ...good, unitId: 'nope2' }] });
    expectProblem(unit, 400);
    expect(unit.json.errors.map((e: { path: string }) => e.path)).toEqual(['entries.1.unitId', 'entries.3.unitId']);
    for (const bad of [{ entries: [] }, { entries: Array.from({ length: 101 }, () => ({ kind: 'question', title: 'a', body: 'b' })) }, {}, { entries: [good], extra: 1 }]) {
      expectProblem(await as('office').post(`/api/sessions/${s.code}/records`, bad), 400);
    }
    expect(await scanItemRecords()).toEqual(before);
    expect(await listAll('office', `sessionCode=${s.code}`)).toEqual([]);
  });

  it('takes a body larger than other routes’ 16 KiB (up to 1 MiB), and 413 beyond', async () => {
    const s = await newSession('office');
    const long = '会'.repeat(5000);
    const entries = Array.from({ length: 20 }, (_, i) => ({ kind: 'question', title: `长文${i}`, body: long, answer: long }));
    const r = await as('office').post(`/api/sessions/${s.code}/records`, { entries });
    expect(r.status, r.text.slice(0, 300)).toBe(201);
    expect(await listAll('office', `sessionCode=${s.code}`)).toHaveLength(20);
    const big = await as('office').post(`/api/sessions/${s.code}/records`, { entries: Array.from({ length: 100 }, () => ({ kind: 'question', title: '长', body: long, answer: long })) });
    expectProblem(big, 413);
    expect(await listAll('office', `sessionCode=${s.code}`)).toHaveLength(20);
  });

  it('takes 100 entries in one transaction', async () => {
    const s = await newSession('office');
    const entries = Array.from({ length: 100 }, (_, i) => ({ kind: 'question', title: `第${i}`, body: '内容', ...(i % 2 ? { answer: '已答' } : {}) }));
    const r = await as('office').post(`/api/sessions/${s.code}/records`, { entries });
    expect(r.status, r.text).toBe(201);
    expect(new Set(r.json.items.map((i: { trackingCode: string }) => i.trackingCode)).size).toBe(100);
    expect(await listAll('office', `sessionCode=${s.code}`)).toHaveLength(100);
  });

  it('is for the office and the session’s group: 403 for a leader or another group’s session the caller sees, 404 for one they do not; a closed session still takes them', async () => {
    const entries = [{ kind: 'question', title: '问题', body: '内容' }];
    const mine = await newSession('office', { groupId: OWN });
    await as('office').patch(`/api/sessions/${mine.code}`, { open: false }, { 'if-match': '"1"' });
    expect((await as('own').post(`/api/sessions/${mine.code}/records`, { entries })).status).toBe(201);
    expectProblem(await as('leader').post(`/api/sessions/${mine.code}/records`, { entries }), 403);
    expectProblem(await as('other').post(`/api/sessions/${mine.code}/records`, { entries }), 404);
    expectProblem(await as('other').get(`/api/sessions/${mine.code}/summary`), 404);
    const office = await newSession('office');
    expectProblem(await as('own').post(`/api/sessions/${office.code}/records`, { entries }), 403);
    expectProblem(await as('office').post('/api/sessions/PX-0000-0000/records', { entries }), 404);
  });
});

describe('privacy.minCount from the directory', () => {
  it('moves the suppression threshold (here to 2), and back', async () => {
    const directory = (await as('office').get('/api/admin/directory')).json;
    const put = (doc: unknown) => http.call('PUT', '/api/admin/directory', { body: doc, headers: { authorization: `Bearer ${tokens.office}` } });
    const s = await newSession('office');
    for (const score of [5, 3]) expect((await http.post(`/api/public/sessions/${s.code}/ratings`, { score }, { 'X-Session-Key': s.joinKey })).status).toBe(201);
    expect((await as('office').get(`/api/sessions/${s.code}/summary`)).json.ratings.average).toBeNull();
    try {
      expect((await put({ ...directory, privacy: { minCount: 2 } })).status).toBe(200);
      expect((await as('office').get(`/api/sessions/${s.code}/summary`)).json.ratings).toEqual({ count: 2, average: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 }, comments: [] });
    } finally {
      expect((await put(directory)).status).toBe(200);
    }
    expect((await as('office').get(`/api/sessions/${s.code}/summary`)).json.ratings.average).toBeNull();
  });
});

describe('the records batch in the data layer (shared/data/item-batch.ts)', () => {
  it('names the entries whose drawn codes are taken, and writes none of the batch', async () => {
    const { createItems, TrackingCodesTakenError } = await import('../../shared/data/item-batch');
    const { getItemWithEvents } = await import('../../shared/data/items');
    const s = await newSession('office');
    const r = await as('office').post(`/api/sessions/${s.code}/records`, { entries: [{ kind: 'question', title: '已有', body: '内容' }] });
    const taken = r.json.items[0].trackingCode as string;
    const existing = (await getItemWithEvents(stack.deps, taken))!;
    const fresh = (i: number) => `YJ-ZZZ${i}-ZZZZ`;
    const batch = [0, 1, 2, 3].map((i) => ({ item: { ...existing.item, trackingCode: i === 2 ? taken : fresh(i) }, event: existing.events[0]! }));
    const before = await scanItemRecords();
    const error = await createItems(stack.deps, batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackingCodesTakenError);
    expect((error as InstanceType<typeof TrackingCodesTakenError>).indexes).toEqual([2]);
    expect(await scanItemRecords()).toEqual(before);
    await expect(createItems(stack.deps, [])).rejects.toThrow(RangeError);
  });
});
