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
