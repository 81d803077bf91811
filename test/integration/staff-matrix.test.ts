import { randomBytes, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { xlsxContentType } from '../../shared/http/headers';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api, type ApiResponse as Response } from '../support/stack';
import { OTHER, OWN, ownUnit, people, type Person } from '../support/staff-people';
import { pngImage, uploadAttachment } from '../support/attachments';

/**
 * Who may call which staff endpoint (API.md, "Staff endpoints"): every endpoint against every kind
 * of caller, each cell its own test with the exact status it must answer; then what each role sees
 * (scope, contact details) and the filters and paging of GET /api/items.
 */

let stack: LocalStack;
let http: Api;

/** The columns of the matrix: four signed-in roles, then five ways of not being signed in. */
const columns = ['office', 'leader', 'own', 'other', 'none', 'expired', 'forged', 'algNone', 'malformed'] as const;
type Column = (typeof columns)[number];

const authHeaders: Partial<Record<Column | 'liaison', Record<string, string>>> = {};
const auth = (who: Column | 'liaison'): Record<string, string> => authHeaders[who] ?? {};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const makeTokens = async () => {
  for (const who of Object.keys(people) as Person[]) {
    authHeaders[who] = { authorization: `Bearer ${await stack.issuer.issue(people[who])}` };
  }
  authHeaders.liaison = { authorization: `Bearer ${await stack.issuer.issue({ sub: 'liaison-1', name: '联络员 郑', groups: [`unit:${ownUnit.id}`] })}` };
  authHeaders.none = {};
  authHeaders.expired = { authorization: `Bearer ${await stack.issuer.issue(people.office, { expiresInSeconds: -60 })}` };
  // The office's own claims, issuer and client, signed with a key the local issuer never had.
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    'cognito:groups': ['office'],
    token_use: 'access',
    scope: 'openid profile',
    client_id: 'yijian-console-local',
    username: people.office.sub,
    name: people.office.name,
    auth_time: now,
  };
  const forged = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'yijian-dev-1', typ: 'JWT' })
    .setSubject(people.office.sub)
    .setIssuer('https://yijian.local/dev-issuer')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .setJti(randomUUID())
    .sign(privateKey);
  authHeaders.forged = { authorization: `Bearer ${forged}` };
  const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, sub: people.office.sub, iss: 'https://yijian.local/dev-issuer', iat: now, exp: now + 3600 })}.`;
  authHeaders.algNone = { authorization: `Bearer ${unsigned}` };
  authHeaders.malformed = { authorization: 'Bearer abc.def' };
};

const as = (who: Column | 'liaison') => ({
  get: (path: string, headers: Record<string, string> = {}) => http.call('GET', path, { headers: { ...auth(who), ...headers } }),
  post: (path: string, body: unknown, headers: Record<string, string> = {}) => http.call('POST', path, { body, headers: { ...auth(who), ...headers } }),
  put: (path: string, body: unknown, headers: Record<string, string> = {}) => http.call('PUT', path, { body, headers: { ...auth(who), ...headers } }),
  patch: (path: string, body: unknown, headers: Record<string, string> = {}) => http.call('PATCH', path, { body, headers: { ...auth(who), ...headers } }),
  delete: (path: string) => http.call('DELETE', path, { headers: auth(who) }),
});

/** A fresh training session of OWN (its code). */
const freshSession = async (): Promise<string> => {
  const r = await as('office').post('/api/sessions', { title: '矩阵场次', startsAt: '2026-12-08T01:30:00.000Z', groupId: OWN });
  expect(r.status, r.text).toBe(201);
  return r.json.code;
};

/**
 * A fresh kept notice, as the notify worker keeps one it cannot send (the data layer's
 * own write): its id, and a look at whether it is still kept.
 */
const freshKeptNotice = async (): Promise<string> => {
  const [{ keepNotice }, { keptNoticeId }] = await Promise.all([import('../../shared/data/kept-notices'), import('../../shared/services/kept-notices')]);
  // No item behind it: the matrix's item lists stay as they were.
  const dedupKey = `YJ-MTRX-${randomBytes(4).toString('hex').toUpperCase()}#1#assigned`;
  await keepNotice(stack.deps, dedupKey, { to: ['matrix@example.com'], subject: '矩阵', text: '矩阵' }, 'MessageRejected', new Date());
  return keptNoticeId(dedupKey);
};
const stillKept = async (id: string) => ((await as('office').get('/api/admin/notices')).json.notices as { id: string }[]).some((n) => n.id === id);

/** Every error answer: problem+json, the status in the body, and nothing internal in it. */
const expectProblem = (response: Response, status: number) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(response.text).not.toMatch(leakPattern);
};

const submit = async (body: Record<string, unknown>) => {
  const r = await http.post('/api/submissions', { title: '矩阵测试', body: '内容', anonymous: true, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string; status: string; dueAt?: string };
};

/** A fresh item routed to OWN, in the state a cell needs. */
const rectificationPlan = { unitId: ownUnit.id, measures: '建立制度并公示。', standard: '制度印发执行。', deadline: '2099-12-31' };
const freshItem = async (kind: NonNullable<Endpoint['fresh']>): Promise<string> => {
  const receipt = await submit({ kind: kind === 'practice' ? kind : 'question', unitId: ownUnit.id });
  expect(receipt.status).toBe('assigned');
  if (kind === 'answered' || kind === 'published') {
    const r = await as('office').post(`/api/items/${receipt.trackingCode}/replies`, { body: '已答复。', visibility: 'public' });
    expect(r.status, r.text).toBe(201);
  }
  if (kind === 'published') {
    const r = await as('office').post(`/api/items/${receipt.trackingCode}/publication`, publication);
    expect(r.status, r.text).toBe(201);
  }
  if (kind === 'extension-requested') {
    const r = await as('own').post(`/api/items/${receipt.trackingCode}/extension`, { workingDays: 2, reason: '需协调多个单位。' });
    expect(r.status, r.text).toBe(201);
  }
  if (kind === 'rectification-planned' || kind === 'rectification-submitted') {
    const r = await as('own').put(`/api/items/${receipt.trackingCode}/rectification`, rectificationPlan, { 'if-match': '"1"' });
    expect(r.status, r.text).toBe(200);
  }
  if (kind === 'rectification-submitted') {
    const r = await as('own').post(`/api/items/${receipt.trackingCode}/rectification/progress`, { note: '已完成。', done: true });
    expect(r.status, r.text).toBe(201);
  }
  return receipt.trackingCode;
};

const publication = { title: '矩阵公开答复', question: '改写后的问题', answer: '改写后的答复' };

/** What a change would touch, as the office sees it. */
const snapshot = async (id: string) => {
  const r = await as('office').get(`/api/items/${id}`);
  expect(r.status, r.text).toBe(200);
  const { status, version, groupId, dueAt, recommended, replies, history, mergedInto, rejectedReason, publication, rectification } = r.json;
  return { status, version, groupId, dueAt, recommended, replies: replies.length, history: history.length, mergedInto, rejectedReason, publication, rectification };
};

/** Every page of a list, walked through nextCursor. */
const walk = async (who: Column, query: string, limit = 100) => {
  const rows: any[] = [];
  const pages: any[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 500; i++) {
    const sep = query ? '&' : '';
    const r = await as(who).get(`/api/items?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    pages.push(r.json.items);
    rows.push(...r.json.items);
    cursor = r.json.nextCursor;
    if (!cursor) return { rows, pages };
  }
  throw new Error('the list never ended');
};

/** Shared, never-changed items: one to read, one to merge into; a session of OWN to read. */
let readItem: string;
let readSession: string;
let mergeTarget: string;
/** An item of OWN with a photo, and the photo's id. */
let photoItem: string;
let photoId: string;
const contact = { name: '陈联系', email: 'chen.contact@example.com', phone: '+86 139 1111 2222' };

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
  await makeTokens();
  // Precondition of the fixtures: no demo rule catches a `question` or a `practice` of ownUnit.
  for (const rule of demoDirectory.rules) {
    const w = rule.when;
    const catches = (kind: string) =>
      (w.kind === undefined || w.kind === kind) && (w.unitId === undefined || w.unitId === ownUnit.id) && (w.system === undefined || w.system === ownUnit.system);
    expect(catches('question') || catches('practice')).toBe(false);
  }
  readItem = (await submit({ kind: 'question', unitId: ownUnit.id, anonymous: false, contact })).trackingCode;
  mergeTarget = (await submit({ kind: 'question', unitId: ownUnit.id })).trackingCode;
  expect((await snapshot(readItem)).groupId).toBe(OWN);
  readSession = await freshSession();
  photoId = (await uploadAttachment(http, { fileName: 'a.png', contentType: 'image/png' }, await pngImage())).id;
  photoItem = (await submit({ kind: 'question', unitId: ownUnit.id, attachmentIds: [photoId] })).trackingCode;
});
afterAll(async () => {
  await stack?.stop();
});

interface Endpoint {
  /** A fresh item per cell for endpoints that change it; otherwise the shared readItem. */
  readonly fresh?: 'question' | 'practice' | 'answered' | 'extension-requested' | 'published' | 'rectification-planned' | 'rectification-submitted';
  readonly directoryWrite?: boolean;
  /** A fresh kept notice per cell: the id sent is the notice's. */
  readonly keptNotice?: boolean;
  readonly send: (who: Column | 'liaison', id: string) => Promise<Response>;
}

const directoryDocument = async () => (await as('office').get('/api/admin/directory')).json;

const endpoints: Record<string, Endpoint> = {
  'GET /api/items': { send: (who) => as(who).get('/api/items') },
  [`GET /api/items?groupId=${OWN}`]: { send: (who) => as(who).get(`/api/items?groupId=${OWN}`) },
  'GET /api/items/{id}': { send: (who, id) => as(who).get(`/api/items/${id}`) },
  // The signed URL as JSON (the 302's own test is test/integration/attachments.test.ts).
  'GET /api/items/{id}/attachments/{attachmentId}': { send: (who) => as(who).get(`/api/items/${photoItem}/attachments/${photoId}`, { accept: 'application/json' }) },
  'POST /api/items/{id}/assign': { fresh: 'question', send: (who, id) => as(who).post(`/api/items/${id}/assign`, { groupId: OTHER }) },
  'POST /api/items/{id}/replies public': {
    fresh: 'question',
    send: (who, id) => as(who).post(`/api/items/${id}/replies`, { body: '公开答复', visibility: 'public' }),
  },
  'POST /api/items/{id}/replies internal': {
    fresh: 'question',
    send: (who, id) => as(who).post(`/api/items/${id}/replies`, { body: '内部备注', visibility: 'internal' }),
  },
  'POST /api/items/{id}/transition start': { fresh: 'question', send: (who, id) => as(who).post(`/api/items/${id}/transition`, { action: 'start' }) },
  'POST /api/items/{id}/transition close': { fresh: 'answered', send: (who, id) => as(who).post(`/api/items/${id}/transition`, { action: 'close' }) },
  'POST /api/items/{id}/transition reject': {
    fresh: 'question',
    send: (who, id) => as(who).post(`/api/items/${id}/transition`, { action: 'reject', reason: '不属于本次活动范围。' }),
  },
  'POST /api/items/{id}/transition merge': {
    fresh: 'question',
    send: (who, id) => as(who).post(`/api/items/${id}/transition`, { action: 'merge', targetId: mergeTarget }),
  },
  'POST /api/items/{id}/transition recommend': { fresh: 'practice', send: (who, id) => as(who).post(`/api/items/${id}/transition`, { action: 'recommend' }) },
  'POST /api/items/{id}/transition unrecommend': {
    fresh: 'practice',
    send: (who, id) => as(who).post(`/api/items/${id}/transition`, { action: 'unrecommend' }),
  },
  'POST /api/items/{id}/extension': {
    fresh: 'question',
    send: (who, id) => as(who).post(`/api/items/${id}/extension`, { workingDays: 2, reason: '需协调多个单位。' }),
  },
  'POST /api/items/{id}/extension/decision': {
    fresh: 'extension-requested',
    send: (who, id) => as(who).post(`/api/items/${id}/extension/decision`, { approve: true }),
  },
  'POST /api/items/{id}/publication': { fresh: 'answered', send: (who, id) => as(who).post(`/api/items/${id}/publication`, publication) },
  'DELETE /api/items/{id}/publication': { fresh: 'published', send: (who, id) => as(who).delete(`/api/items/${id}/publication`) },
  'PUT /api/items/{id}/rectification': {
    fresh: 'question',
    send: (who, id) => as(who).put(`/api/items/${id}/rectification`, rectificationPlan, { 'if-match': '"1"' }),
  },
  'POST /api/items/{id}/rectification/progress': {
    fresh: 'rectification-planned',
    send: (who, id) => as(who).post(`/api/items/${id}/rectification/progress`, { note: '已部署整改。' }),
  },
  'POST /api/items/{id}/rectification/verification': {
    fresh: 'rectification-submitted',
    send: (who, id) => as(who).post(`/api/items/${id}/rectification/verification`, { outcome: 'verified', note: '整改到位。' }),
  },
  'GET /api/rectifications': { send: (who) => as(who).get('/api/rectifications') },
  'GET /api/dashboard': { send: (who) => as(who).get('/api/dashboard') },
  [`GET /api/dashboard?groupId=${OWN}`]: { send: (who) => as(who).get(`/api/dashboard?groupId=${OWN}`) },
  'GET /api/practices': { send: (who) => as(who).get('/api/practices') },
  'GET /api/reports/summary': { send: (who) => as(who).get('/api/reports/summary') },
  'GET /api/exports/items.csv': { send: (who) => as(who).get('/api/exports/items.csv') },
  'GET /api/exports/items.xlsx': { send: (who) => as(who).get('/api/exports/items.xlsx') },
  'GET /api/exports/rectifications.xlsx': { send: (who) => as(who).get('/api/exports/rectifications.xlsx') },
  'GET /api/admin/directory': { send: (who) => as(who).get('/api/admin/directory') },
  'PUT /api/admin/directory': { directoryWrite: true, send: async (who) => as(who).put('/api/admin/directory', await directoryDocument()) },
  'POST /api/sessions': { send: (who) => as(who).post('/api/sessions', { title: '矩阵场次', startsAt: '2026-12-08T01:30:00.000Z', groupId: OWN }) },
  'GET /api/sessions': { send: (who) => as(who).get('/api/sessions') },
  'GET /api/sessions/{code}': { send: (who) => as(who).get(`/api/sessions/${readSession}`) },
  'PATCH /api/sessions/{code}': { send: async (who) => as(who).patch(`/api/sessions/${await freshSession()}`, { title: '改名' }, { 'if-match': '"1"' }) },
  'GET /api/admin/notices': { send: (who) => as(who).get('/api/admin/notices') },
  'POST /api/admin/notices/{id}/redrive': { keptNotice: true, send: (who, id) => as(who).post(`/api/admin/notices/${id}/redrive`, undefined) },
  'DELETE /api/admin/notices/{id}': { keptNotice: true, send: (who, id) => as(who).delete(`/api/admin/notices/${id}`) },
  'POST /api/sessions/{code}/records': {
    send: async (who) => as(who).post(`/api/sessions/${await freshSession()}/records`, { entries: [{ kind: 'question', title: '会上提问', body: '内容', answer: '当场答复' }] }),
  },
  'GET /api/sessions/{code}/summary': { send: (who) => as(who).get(`/api/sessions/${readSession}/summary`) },
};

// prettier-ignore
/**
 * The matrix. "own" is a responder of the item's group (g1), "other" a responder of another group
 * (g2); "none" sends no Authorization header, "expired" a properly signed token that expired a
 * minute ago, "forged" an office token signed with a foreign RS256 key, "algNone" an unsigned
 * office token, "malformed" `Bearer abc.def`.
 */
const expected: Record<keyof typeof endpoints, readonly number[]> = {
  //                                              office leader own other | none expired forged algNone malformed
  'GET /api/items':                               [200,   200,  200, 200,   401, 401,    401,   401,    401],
  [`GET /api/items?groupId=${OWN}`]:              [200,   200,  200, 403,   401, 401,    401,   401,    401],
  'GET /api/items/{id}':                          [200,   200,  200, 404,   401, 401,    401,   401,    401],
  'GET /api/items/{id}/attachments/{attachmentId}': [200, 200,  200, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/assign':                  [200,   403,  403, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/replies public':          [201,   403,  201, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/replies internal':        [201,   403,  201, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/transition start':        [200,   403,  200, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/transition close':        [200,   403,  403, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/transition reject':       [200,   403,  403, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/transition merge':        [200,   403,  403, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/transition recommend':    [200,   403,  200, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/transition unrecommend':  [200,   403,  200, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/extension':               [201,   403,  201, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/extension/decision':      [200,   403,  403, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/publication':             [201,   403,  403, 404,   401, 401,    401,   401,    401],
  'DELETE /api/items/{id}/publication':           [200,   403,  403, 404,   401, 401,    401,   401,    401],
  'PUT /api/items/{id}/rectification':            [200,   403,  200, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/rectification/progress':  [201,   403,  201, 404,   401, 401,    401,   401,    401],
  'POST /api/items/{id}/rectification/verification': [200, 403, 200, 404,   401, 401,    401,   401,    401],
  'GET /api/rectifications':                      [200,   200,  200, 200,   401, 401,    401,   401,    401],
  'GET /api/dashboard':                           [200,   200,  200, 200,   401, 401,    401,   401,    401],
  [`GET /api/dashboard?groupId=${OWN}`]:          [200,   200,  200, 403,   401, 401,    401,   401,    401],
  'GET /api/practices':                           [200,   200,  200, 200,   401, 401,    401,   401,    401],
  'GET /api/reports/summary':                     [200,   200,  403, 403,   401, 401,    401,   401,    401],
  'GET /api/exports/items.csv':                   [200,   200,  403, 403,   401, 401,    401,   401,    401],
  'GET /api/exports/items.xlsx':                  [200,   200,  403, 403,   401, 401,    401,   401,    401],
  'GET /api/exports/rectifications.xlsx':         [200,   200,  403, 403,   401, 401,    401,   401,    401],
  'GET /api/admin/directory':                     [200,   403,  403, 403,   401, 401,    401,   401,    401],
  'PUT /api/admin/directory':                     [200,   403,  403, 403,   401, 401,    401,   401,    401],
  'POST /api/sessions':                           [201,   403,  201, 403,   401, 401,    401,   401,    401],
  'GET /api/sessions':                            [200,   200,  200, 200,   401, 401,    401,   401,    401],
  'GET /api/sessions/{code}':                     [200,   200,  200, 404,   401, 401,    401,   401,    401],
  'PATCH /api/sessions/{code}':                   [200,   403,  200, 404,   401, 401,    401,   401,    401],
  'GET /api/admin/notices':                       [200,   403,  403, 403,   401, 401,    401,   401,    401],
  'POST /api/admin/notices/{id}/redrive':         [202,   403,  403, 403,   401, 401,    401,   401,    401],
  'DELETE /api/admin/notices/{id}':               [200,   403,  403, 403,   401, 401,    401,   401,    401],
  'POST /api/sessions/{code}/records':            [201,   403,  201, 404,   401, 401,    401,   401,    401],
  'GET /api/sessions/{code}/summary':             [200,   200,  200, 404,   401, 401,    401,   401,    401],
};

/**
 * The liaison of the fresh items' unit (`unit:<ownUnit>`, API.md v2 "Roles, added"): the routes that
 * take liaisons answer as below; every other staff route refuses the role (403), including routes
 * added later, so only the exceptions are listed. The shared readItem has no rectification: 404.
 */
const liaisonExpected: Partial<Record<keyof typeof endpoints, number>> = {
  'GET /api/items/{id}': 404,
  // The photo's item has no rectification: the liaison may fetch only a rectification's evidence.
  'GET /api/items/{id}/attachments/{attachmentId}': 404,
  'POST /api/items/{id}/rectification/progress': 201,
  'GET /api/rectifications': 200,
};

describe('the staff access matrix', () => {
  it('covers every staff route of the route table', async () => {
    const { routes } = await import('../../shared/routes');
    const staffRoutes = routes.filter((r) => r.auth === 'staff').map((r) => `${r.method} ${r.path}`);
    const covered = new Set(Object.keys(endpoints).map((name) => name.split(/[ ?]/).slice(0, 2).join(' ')));
    expect([...covered].sort()).toEqual([...staffRoutes].sort());
  });

  for (const [name, endpoint] of Object.entries(endpoints)) {
    describe(name, () => {
      columns.forEach((who, i) => {
        const status = expected[name][i];
        it(`${who} → ${status}`, async () => {
          const id = endpoint.keptNotice ? await freshKeptNotice() : endpoint.fresh ? await freshItem(endpoint.fresh) : readItem;
          const before = endpoint.fresh ? await snapshot(id) : undefined;
          const directoryBefore = endpoint.directoryWrite ? await directoryDocument() : undefined;
          const r = await endpoint.send(who, id);
          expect(r.status, `${name} as ${who}: ${r.text.slice(0, 300)}`).toBe(status);
          if (status >= 400) {
            expectProblem(r, status);
            // A refused change changes nothing.
            if (before) expect(await snapshot(id)).toEqual(before);
            if (directoryBefore) expect(await directoryDocument()).toEqual(directoryBefore);
            if (endpoint.keptNotice) expect(await stillKept(id)).toBe(true);
          } else if (name === 'GET /api/exports/items.csv') {
            expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/i);
          } else if (name === 'GET /api/exports/items.xlsx' || name === 'GET /api/exports/rectifications.xlsx') {
            expect(r.headers.get('content-type')).toBe(xlsxContentType);
          } else {
            expect(r.headers.get('content-type')).toMatch(/^application\/json/);
            if (before) expect((await snapshot(id)).version).toBe(before.version + 1);
          }
        });
      });
      const liaisonStatus = liaisonExpected[name] ?? 403;
      it(`liaison → ${liaisonStatus}`, async () => {
        const id = endpoint.keptNotice ? await freshKeptNotice() : endpoint.fresh ? await freshItem(endpoint.fresh) : readItem;
        const before = endpoint.fresh ? await snapshot(id) : undefined;
        const r = await endpoint.send('liaison', id);
        expect(r.status, `${name} as liaison: ${r.text.slice(0, 300)}`).toBe(liaisonStatus);
        if (liaisonStatus >= 400) {
          expectProblem(r, liaisonStatus);
          if (before) expect(await snapshot(id)).toEqual(before);
        } else {
          expect(r.text).not.toContain(contact.email);
          if (before) expect((await snapshot(id)).version).toBe(before.version + 1);
        }
      });
    });
  }
});

describe('what each role sees', () => {
  it('a responder of another group gets the same 404 as for an item that does not exist', async () => {
    const notYours = await as('other').get(`/api/items/${readItem}`);
    const unknown = await as('other').get('/api/items/YJ-0000-0000');
    const unknownForOffice = await as('office').get('/api/items/YJ-0000-0000');
    for (const r of [notYours, unknown, unknownForOffice]) expectProblem(r, 404);
    expect(notYours.text).toBe(unknown.text);
    expect(notYours.text).toBe(unknownForOffice.text);
  });

  it('without groupId a responder lists their own groups’ items only', async () => {
    const own = await walk('own', '');
    expect(own.rows.map((row) => row.id)).toContain(readItem);
    expect(new Set(own.rows.map((row) => row.groupId))).toEqual(new Set([OWN]));
    const other = await walk('other', '');
    expect(other.rows.map((row) => row.id)).not.toContain(readItem);
    for (const row of other.rows) expect(row.groupId).toBe(OTHER);
    // The same for a filtered list, served from other indexes.
    const filtered = await walk('other', 'status=assigned,in_progress,answered&kind=question');
    for (const row of filtered.rows) expect(row.groupId).toBe(OTHER);
  });

  it('office and leaders list every group’s items', async () => {
    for (const who of ['office', 'leader'] as const) {
      const { rows } = await walk(who, '');
      expect(rows.map((row) => row.id)).toEqual(expect.arrayContaining([readItem, mergeTarget]));
    }
  });

  it('a responder of several groups sees all of them, and still no other', async () => {
    const otherItem = (await submit({ kind: 'question', unitId: demoDirectory.units.find((u) => u.groupId === OTHER)!.id })).trackingCode;
    const token = await stack.issuer.issue({ sub: 'responder-g1g2', name: '一二组 吴', groups: [`group:${OWN}`, `group:${OTHER}`] });
    const headers = { authorization: `Bearer ${token}` };
    // Every page: the matrix's cells have made more than a page of newer items than readItem.
    const rows: { id: string; groupId: string }[] = [];
    for (let cursor: string | undefined, page = 0; page === 0 || cursor; page++) {
      const r = await http.get(`/api/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers);
      expect(r.status).toBe(200);
      rows.push(...r.json.items);
      cursor = r.json.nextCursor;
    }
    expect(rows.map((row) => row.id)).toEqual(expect.arrayContaining([readItem, otherItem]));
    for (const row of rows) expect([OWN, OTHER]).toContain(row.groupId);
    expect((await http.get(`/api/items/${otherItem}`, headers)).status).toBe(200);
    expectProblem(await http.get('/api/items?groupId=g3', headers), 403);
    expectProblem(await http.get('/api/dashboard?groupId=g3', headers), 403);
  });

  it('a responder’s dashboard covers their groups only; the office’s every group', async () => {
    const own = await as('own').get('/api/dashboard');
    expect(own.status).toBe(200);
    expect(own.json.byGroup.map((g: { groupId: string }) => g.groupId)).toEqual([OWN]);
    const office = await as('office').get('/api/dashboard');
    expect(office.json.byGroup.map((g: { groupId: string }) => g.groupId)).toEqual(expect.arrayContaining(demoDirectory.groups.map((g) => g.id)));
  });

  it('the dashboard’s figures equal what GET /api/items counts, for the office and a responder', async () => {
    const statuses = ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'];
    for (const who of ['office', 'own'] as const) {
      const { rows } = await walk(who, '');
      const d = await as(who).get('/api/dashboard');
      expect(d.status).toBe(200);
      for (const status of statuses) expect(d.json.totals[status] ?? 0, `${who} ${status}`).toBe(rows.filter((row) => row.status === status).length);
      expect(d.json.totals.all).toBe(rows.length);
      expect(d.json.totals.overdue).toBe(rows.filter((row) => row.overdue).length);
      for (const kind of ['feedback', 'question', 'suggestion', 'problem', 'practice']) {
        expect(d.json.byKind[kind] ?? 0, `${who} ${kind}`).toBe(rows.filter((row) => row.kind === kind).length);
      }
      for (const group of d.json.byGroup.filter((g: { groupId: string | null }) => g.groupId)) {
        const mine = rows.filter((row) => row.groupId === group.groupId);
        expect(group.open, `${who} ${group.groupId}`).toBe(mine.filter((row) => ['submitted', 'assigned', 'in_progress', 'reopened'].includes(row.status)).length);
        expect(group.answered).toBe(mine.filter((row) => row.status === 'answered').length);
        expect(group.closed).toBe(mine.filter((row) => row.status === 'closed').length);
      }
    }
  });

  it('a token from POST /api/dev/token works like one from the issuer', async () => {
    const r = await http.post('/api/dev/token', people.own);
    expect(r.status).toBe(201);
    const headers = { authorization: `Bearer ${r.json.token}` };
    expect((await http.get(`/api/items/${readItem}`, headers)).status).toBe(200);
    expectProblem(await http.post(`/api/items/${readItem}/assign`, { groupId: OTHER }, headers), 403);
  });

  it('a signed-in user with no yijian role is refused (403) everywhere', async () => {
    const token = await stack.issuer.issue({ sub: 'nobody', name: '无角色', groups: [] });
    const headers = { authorization: `Bearer ${token}` };
    for (const path of ['/api/items', `/api/items/${readItem}`, '/api/dashboard', '/api/practices', '/api/exports/items.csv', '/api/admin/directory']) {
      expectProblem(await http.get(path, headers), 403);
    }
    expectProblem(await http.post(`/api/items/${readItem}/replies`, { body: 'x', visibility: 'public' }, headers), 403);
  });

  it('shows contact details to the office and the item’s group, never to leaders', async () => {
    const office = await as('office').get(`/api/items/${readItem}`);
    const own = await as('own').get(`/api/items/${readItem}`);
    const leader = await as('leader').get(`/api/items/${readItem}`);
    expect(office.json.contact).toEqual(contact);
    expect(own.json.contact).toEqual(contact);
    expect(leader.status).toBe(200);
    expect(leader.json.contact).toBeUndefined();
    for (const value of Object.values(contact)) expect(leader.text).not.toContain(value);
    // Nor in a list, the dashboard or the export.
    for (const path of ['/api/items?limit=100', '/api/dashboard', '/api/exports/items.csv']) {
      const r = await as('leader').get(path);
      for (const value of Object.values(contact)) expect(r.text).not.toContain(value);
    }
  });
});

describe('GET /api/items filters', () => {
  const marker = `LST${randomBytes(3).toString('hex')}`;
  type Row = { id: string; kind: string; status: string; unitId?: string; groupId?: string; title: string; overdue: boolean };
  const mine = new Map<string, Row & { phase: string }>();

  beforeAll(async () => {
    const g3Unit = demoDirectory.units.find((u) => u.groupId === 'g3' && u.system === '党政机关')!;
    const g4Street = demoDirectory.units.find((u) => u.groupId === 'g4' && u.system === '街道')!;
    const fixtures: [string, Record<string, unknown>, ((id: string) => Promise<unknown>)?][] = [
      ['甲 assigned question', { kind: 'question', unitId: ownUnit.id }],
      ['乙 in_progress practice', { kind: 'practice', unitId: ownUnit.id }, (id) => as('office').post(`/api/items/${id}/transition`, { action: 'start' })],
      ['丙 answered question', { kind: 'question', unitId: g3Unit.id }, (id) => as('office').post(`/api/items/${id}/replies`, { body: '答', visibility: 'public' })],
      ['丁 assigned problem', { kind: 'problem', unitId: g4Street.id }],
      ['戊 submitted question', { kind: 'question' }],
      ['己 assigned suggestion', { kind: 'suggestion', unitId: ownUnit.id }],
    ];
    for (const [title, body, then] of fixtures) {
      const { trackingCode } = await submit({ ...body, title: `${marker} ${title}` });
      if (then) await then(trackingCode);
      const view = await as('office').get(`/api/items/${trackingCode}`);
      mine.set(trackingCode, view.json);
    }
    expect([...mine.values()].map((i) => i.status)).toEqual(['assigned', 'in_progress', 'answered', 'assigned', 'submitted', 'assigned']);
  });

  const cases: [string, (row: Row) => boolean][] = [
    ['status=assigned,in_progress', (r) => ['assigned', 'in_progress'].includes(r.status)],
    ['status=submitted', (r) => r.status === 'submitted'],
    [`groupId=${OWN}`, (r) => r.groupId === OWN],
    [`unitId=${ownUnit.id}`, (r) => r.unitId === ownUnit.id],
    ['kind=practice', (r) => r.kind === 'practice'],
    [`status=assigned&groupId=${OWN}`, (r) => r.status === 'assigned' && r.groupId === OWN],
    [`unitId=${ownUnit.id}&status=in_progress`, (r) => r.unitId === ownUnit.id && r.status === 'in_progress'],
    [`kind=question&groupId=${OWN}`, (r) => r.kind === 'question' && r.groupId === OWN],
    [`kind=question&unitId=${ownUnit.id}`, (r) => r.kind === 'question' && r.unitId === ownUnit.id],
    [`q=${marker}`, (r) => r.title.includes(marker)],
    [`q=${encodeURIComponent(`${marker} 丙`)}`, (r) => r.title.includes(`${marker} 丙`)],
    [`q=${marker}&status=assigned&kind=question`, (r) => r.title.includes(marker) && r.status === 'assigned' && r.kind === 'question'],
  ];

  for (const [query, matches] of cases) {
    it(`?${decodeURIComponent(query)} gives exactly the matching items`, async () => {
      const { rows } = await walk('office', query);
      for (const row of rows) expect(matches(row), `${row.id} ${row.status} ${row.groupId} ${row.kind}`).toBe(true);
      const ids = new Set(rows.map((row) => row.id));
      for (const item of mine.values()) expect(ids.has(item.id), `${item.id} (${item.title})`).toBe(matches(item));
      expect(ids.size).toBe(rows.length);
    });
  }

  it('the CSV export takes the same filters and gives the same items as the list', async () => {
    for (const query of [`q=${marker}`, `groupId=${OWN}&q=${marker}`, `status=assigned&q=${marker}`, `unitId=${ownUnit.id}&status=in_progress`]) {
      // Raw bytes: Response.text() would drop the BOM.
      const r = await fetch(`${stack.url}/api/exports/items.csv?${query}`, { headers: auth('office') });
      expect(r.status).toBe(200);
      const bytes = Buffer.from(await r.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
      expect(lines[0]).toBe('trackingCode,createdAt,phase,kind,unit,group,status,dueAt,overdue,firstReplyAt,closedAt,satisfaction,title,sessionCode,source,answeredOnSpot,resolved');
      const cells = lines.slice(1).map((line) => line.split(','));
      const wanted = /status=([a-z_]+)/.exec(query)?.[1];
      if (wanted) for (const row of cells) expect(row[6], `${row[0]} in the export of ?${query}`).toBe(wanted);
      const codes = cells.map((row) => row[0]);
      const { rows } = await walk('office', query);
      expect(codes, query).toEqual(rows.map((row) => row.id));
    }
  });

  it('phase: the current phase has every new item, a later phase none', async () => {
    const phase = [...mine.values()][0].phase;
    expect(demoDirectory.campaign.phases.map((p) => p.id)).toContain(phase);
    const current = await walk('office', `phase=${phase}`);
    expect(current.rows.map((row) => row.id)).toEqual(expect.arrayContaining([...mine.keys()]));
    const later = demoDirectory.campaign.phases.find((p) => p.id !== phase && p.startsOn > new Date().toISOString().slice(0, 10))!;
    expect((await walk('office', `phase=${later.id}`)).rows).toEqual([]);
  });

  it('overdue: with every due date in the future nothing is overdue', async () => {
    const all = await walk('office', '');
    for (const row of all.rows) {
      expect(row.overdue).toBe(false);
      if (row.dueAt) expect(Date.parse(row.dueAt)).toBeGreaterThan(Date.now());
    }
    expect((await walk('office', 'overdue=true')).rows).toEqual([]);
    expect((await walk('own', 'overdue=true')).rows).toEqual([]);
    const notOverdue = await walk('office', 'overdue=false');
    expect(notOverdue.rows.map((row) => row.id)).toEqual(expect.arrayContaining([...mine.keys()]));
  });

  it('a responder’s filtered list stays within their groups', async () => {
    const { rows } = await walk('own', `q=${marker}`);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set([...mine.values()].filter((i) => i.groupId === OWN).map((i) => i.id)));
  });

  it('pages with limit=2 through nextCursor: every item once, newest first', async () => {
    const pageMarker = `PG${randomBytes(3).toString('hex')}`;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await submit({ kind: 'question', unitId: ownUnit.id, title: `${pageMarker} ${i}` })).trackingCode);
    const filtered = await walk('office', `q=${pageMarker}`, 2);
    for (const page of filtered.pages) expect(page.length).toBeLessThanOrEqual(2);
    expect(filtered.rows.map((row) => row.id)).toEqual([...created].reverse());

    // The whole table, two at a time, equals the whole table in one go.
    const small = await walk('office', '', 2);
    const large = await walk('office', '', 100);
    const ids = small.rows.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(large.rows.map((row) => row.id));
    expect(small.pages.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / 2));
    const times = small.rows.map((row) => row.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  const bad: [string, string][] = [
    ['a cursor it never gave out', 'cursor=not-a-cursor'],
    ['a well-formed but foreign cursor', `cursor=${b64url({ v: 2, p: 'x' })}`],
    ['limit=0', 'limit=0'],
    ['limit=101', 'limit=101'],
    ['limit=abc', 'limit=abc'],
    ['an unknown parameter', 'colour=red'],
    ['an unknown status', 'status=assigned,bogus'],
    ['an unknown kind', 'kind=complaint'],
    ['overdue=yes', 'overdue=yes'],
  ];
  for (const [what, query] of bad) {
    it(`answers ${what} with 400 and errors[]`, async () => {
      const r = await as('office').get(`/api/items?${query}`);
      expectProblem(r, 400);
      expect(r.json.errors.length).toBeGreaterThan(0);
      const name = query.split('=')[0];
      expect(r.json.errors.map((e: { path: string }) => e.path).join(' ')).toContain(name);
    });
  }
});
