import type OpenAPIBackend from 'openapi-backend';
import type { Operation } from 'openapi-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { routes } from '../../shared/routes';
import { operationIdOf } from '../../shared/schemas/openapi';
import { documentBackend } from '../support/openapi-document';
import { api, useTestStack } from '../support/stack';
import { pngImage, uploadAttachment } from '../support/attachments';
import { ownUnit, people, type Person } from '../support/staff-people';

/**
 * Issue #14, point 8: the OpenAPI document against the server. Every route of shared/routes.ts is
 * driven through the local stack (happy paths and the main error statuses). For each exchange
 * openapi-backend (a 3.1 validator: routing, parameters, bodies, response bodies and headers) checks
 *   - the request: valid against the document, or, where the test sends a bad one on purpose,
 *     refused by the document as the server refuses it (so the two agree on what is wrong);
 *   - the answer: its status documented for the operation, its media type among the documented
 *     ones, its body valid against that status's schema, its documented headers valid.
 * The run fails on any route no exchange reached, and reports its counts.
 *
 * A NEW ROUTE needs an operation (shared/schemas/openapi-operations.ts) and an exchange here.
 */
// Low enough for the last test to reach the rate limit's 429, above what the others write.
process.env.YIJIAN_RATE_LIMIT = '40/600';
/** Mail to this address fails, so that the office has kept notices to list, redrive and discard. */
const undeliverable = 'kept@example.com';
const files = useTestStack({
  retryBaseMs: 5,
  mailer: (outbox) => async (message) => {
    if (message.to.includes(undeliverable)) throw Object.assign(new Error('rejected'), { name: 'MessageRejected' });
    return outbox(message);
  },
});
const tokens = {} as Record<Person, string>;
let backend: OpenAPIBackend;
const counts = { requests: 0, invalidRequests: 0, responses: 0 };
const checkedOperations = new Map<string, Set<number>>();

beforeAll(async () => {
  for (const who of Object.keys(people) as Person[]) tokens[who] = await files.stack.issuer.issue(people[who]);
  // The document as served: what an integrator reads.
  const served = await fetch(`${files.stack.url}/api/openapi.json`);
  backend = await documentBackend(await served.json());
});

interface Exchange {
  readonly as?: Person;
  readonly body?: unknown;
  /** A body sent as is (not JSON-encoded). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** The request breaks the document on purpose: the document must refuse it too. */
  readonly invalid?: boolean;
}

const contentTypeOf = (headers: Headers) => (headers.get('content-type') ?? '').split(';')[0].trim();

/** Sends one request, checks it and its answer against the document, and returns the answer. */
const exchange = async (method: string, path: string, status: number, options: Exchange = {}) => {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.as) headers.authorization = `Bearer ${tokens[options.as]}`;
  let sent: string | undefined = options.raw;
  if (sent === undefined && options.body !== undefined) {
    sent = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const query = options.query ?? {};
  const request = { method, path, query, headers, body: options.body ?? options.raw };
  const operation = backend.matchOperation(request) as Operation | undefined;
  expect(operation, `no operation in the document for ${method} ${path}`).toBeDefined();
  const where = `${operation!.operationId} (${method} ${path}) -> ${status}`;

  // The request: valid, or refused by the document as by the server.
  const requestErrors = [...(backend.validateRequest(request, operation!).errors ?? [])];
  const mediaTypes = Object.keys((operation!.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {});
  if (sent !== undefined && mediaTypes.length > 0 && !mediaTypes.includes(headers['content-type'].split(';')[0])) {
    requestErrors.push({ message: `media type ${headers['content-type']} is not documented` } as never);
  }
  if (options.invalid) {
    expect(requestErrors.length, `the document accepts a request the server refuses: ${where}`).toBeGreaterThan(0);
    counts.invalidRequests++;
  } else {
    expect(requestErrors, `request of ${where}`).toEqual([]);
  }
  counts.requests++;

  const url = `${files.stack.url}${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
  // A redirect is checked as answered (its Location), not followed.
  const response = await fetch(url, { method, headers, body: sent, redirect: 'manual' });
  const text = await response.text();
  expect(response.status, `${where}: ${text.slice(0, 500)}`).toBe(status);

  // The answer: documented status, media type, body and headers.
  const documented = (operation!.responses as Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>)[String(status)];
  expect(documented, `status ${status} is not documented for ${where}`).toBeDefined();
  const mediaType = contentTypeOf(response.headers);
  if (status !== 302) expect(Object.keys(documented.content ?? {}), `media type of ${where}`).toContain(mediaType);
  const json = mediaType.endsWith('json') ? JSON.parse(text) : text;
  if (mediaType.endsWith('json')) {
    expect(backend.validateResponse(json, operation!, status).errors ?? [], `answer of ${where}: ${text.slice(0, 500)}`).toEqual([]);
  }
  const responseHeaders = Object.fromEntries(response.headers.entries());
  expect(backend.validateResponseHeaders(responseHeaders, operation!, { statusCode: status, setMatchType: 'superset' as never }).errors ?? [], `headers of ${where}`).toEqual([]);
  for (const name of Object.keys(documented.headers ?? {})) expect(response.headers.has(name), `${name} of ${where}`).toBe(true);
  counts.responses++;
  const seen = checkedOperations.get(operation!.operationId!) ?? new Set<number>();
  checkedOperations.set(operation!.operationId!, seen.add(status));
  return { status: response.status, headers: response.headers, json, text };
};

const submission = { kind: 'question', title: '契约测试', body: '文档与服务一致吗？', unitId: ownUnit.id, anonymous: false, contact: { name: '张三', email: 'zhang@example.com' } };

describe('every route against the OpenAPI document', () => {
  let receipt: { trackingCode: string; accessKey: string };

  it('public: the form, the document, the challenge', async () => {
    await exchange('GET', '/api/form', 200);
    await exchange('GET', '/api/openapi.json', 200);
    await exchange('GET', '/api/challenge', 200);
  });

  it('public: a submission, its tracking, follow-up and rating, and what they refuse', async () => {
    const made = await exchange('POST', '/api/submissions', 201, { body: submission, headers: { 'Idempotency-Key': 'contract-test-0001' } });
    receipt = made.json;
    // The rules the document states, refused by both.
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, anonymous: true }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, rating: 4 }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, title: 'bell\u0007' }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, title: 'a\u202Eb' }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, contact: {} }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, extra: 1 }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: submission, headers: { 'Idempotency-Key': 'short' }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { raw: '{"kind":', headers: { 'content-type': 'application/json' }, invalid: true });
    await exchange('POST', '/api/submissions', 415, { raw: JSON.stringify(submission), headers: { 'content-type': 'text/plain' }, invalid: true });
    await exchange('POST', '/api/submissions', 413, { body: { ...submission, body: '长'.repeat(6000) }, invalid: true });
    await exchange('POST', '/api/submissions', 400, { body: submission, headers: { 'X-Altcha': 'bm90IGEgcHJvb2Y=' } });

    const key = { 'X-Access-Key': receipt.accessKey };
    const path = `/api/submissions/${receipt.trackingCode}`;
    await exchange('GET', path, 200, { headers: key });
    await exchange('GET', path, 404, { headers: { 'X-Access-Key': 'wrong' } });
    // A missing key is answered like a wrong one (the document makes the header optional for that reason).
    await exchange('GET', path, 404);
    await exchange('GET', '/api/submissions/YJ-0000-0000', 404, { headers: key });
    await exchange('POST', `${path}/follow-ups`, 201, { body: { body: '补充一点。' }, headers: key });
    await exchange('POST', `${path}/follow-ups`, 404, { body: { body: '补充一点。' } });
    await exchange('POST', `${path}/rating`, 409, { body: { satisfaction: 'satisfied' }, headers: key });
    await exchange('POST', `${path}/rating`, 400, { body: { satisfaction: 'great' }, headers: key, invalid: true });
  });

  it('staff: lists, an item and the actions on it', async () => {
    await exchange('GET', '/api/items', 200, { as: 'office', query: { limit: '5', status: 'assigned,submitted' } });
    await exchange('GET', '/api/items', 401);
    await exchange('GET', '/api/items', 400, { as: 'office', query: { limit: '1000' }, invalid: true });
    const id = receipt.trackingCode;
    const item = await exchange('GET', `/api/items/${id}`, 200, { as: 'office' });
    const etag = item.headers.get('etag')!;
    // Another group's item is answered as unknown (not yours: the same 404).
    await exchange('GET', `/api/items/${id}`, 404, { as: 'other' });
    await exchange('GET', '/api/items/YJ-0000-0000', 404, { as: 'office' });
    await exchange('POST', `/api/items/${id}/assign`, 412, { as: 'office', body: { groupId: 'g1' }, headers: { 'If-Match': '"999"' } });
    await exchange('POST', `/api/items/${id}/assign`, 400, { as: 'office', body: { groupId: 'g1' }, headers: { 'If-Match': 'yesterday' }, invalid: true });
    const assigned = await exchange('POST', `/api/items/${id}/assign`, 200, { as: 'office', body: { groupId: 'g1', note: '请一组办理' }, headers: { 'If-Match': etag } });
    await exchange('POST', `/api/items/${id}/assign`, 403, { as: 'own', body: { groupId: 'g2' } });
    await exchange('POST', `/api/items/${id}/transition`, 400, { as: 'office', body: { action: 'reject' }, invalid: true });
    await exchange('POST', `/api/items/${id}/transition`, 409, { as: 'office', body: { action: 'close' } });
    const started = await exchange('POST', `/api/items/${id}/transition`, 200, { as: 'own', body: { action: 'start' }, headers: { 'If-Match': assigned.headers.get('etag')! } });
    await exchange('POST', `/api/items/${id}/extension`, 400, { as: 'own', body: { workingDays: 0, reason: '需协调' }, invalid: true });
    await exchange('POST', `/api/items/${id}/extension`, 412, { as: 'own', body: { workingDays: 2, reason: '需协调' }, headers: { 'If-Match': '"999"' } });
    await exchange('POST', `/api/items/${id}/extension`, 201, { as: 'own', body: { workingDays: 2, reason: '需协调' }, headers: { 'If-Match': started.headers.get('etag')! } });
    await exchange('POST', `/api/items/${id}/extension`, 409, { as: 'own', body: { workingDays: 1, reason: '再延' } });
    const publication = { title: '契约公开答复', question: '改写的问题', answer: '改写的答复' };
    await exchange('POST', `/api/items/${id}/publication`, 409, { as: 'office', body: publication });
    await exchange('POST', `/api/items/${id}/extension/decision`, 403, { as: 'own', body: { approve: true } });
    await exchange('POST', `/api/items/${id}/extension/decision`, 400, { as: 'office', body: { approve: 'yes' }, invalid: true });
    const decided = await exchange('POST', `/api/items/${id}/extension/decision`, 200, { as: 'office', body: { approve: true, note: '同意' } });
    await exchange('POST', `/api/items/${id}/extension/decision`, 409, { as: 'office', body: { approve: false } });
    const plan = { unitId: ownUnit.id, measures: '建立制度。', standard: '制度印发。', deadline: '2099-12-31' };
    await exchange('POST', `/api/items/${id}/rectification/progress`, 409, { as: 'own', body: { note: '没有计划' } });
    await exchange('PUT', `/api/items/${id}/rectification`, 400, { as: 'own', body: plan, invalid: true });
    await exchange('PUT', `/api/items/${id}/rectification`, 412, { as: 'own', body: plan, headers: { 'If-Match': '"999"' } });
    await exchange('PUT', `/api/items/${id}/rectification`, 200, { as: 'own', body: plan, headers: { 'If-Match': decided.headers.get('etag')! } });
    await exchange('POST', `/api/items/${id}/rectification/verification`, 409, { as: 'own', body: { outcome: 'verified', note: '太早' } });
    await exchange('POST', `/api/items/${id}/rectification/progress`, 400, { as: 'own', body: { note: '' }, invalid: true });
    await exchange('POST', `/api/items/${id}/rectification/progress`, 201, { as: 'own', body: { note: '已完成。', done: true } });
    await exchange('POST', `/api/items/${id}/rectification/verification`, 400, { as: 'own', body: { outcome: 'ok', note: '好' }, invalid: true });
    await exchange('POST', `/api/items/${id}/rectification/verification`, 200, { as: 'own', body: { outcome: 'verified', note: '整改到位。' } });
    await exchange('GET', '/api/rectifications', 200, { as: 'office', query: { status: 'verified', limit: '5' } });
    await exchange('GET', '/api/rectifications', 400, { as: 'office', query: { limit: '1000' }, invalid: true });
    await exchange('GET', '/api/items', 200, { as: 'office', query: { urged: 'true' } });
    await exchange('GET', '/api/items', 400, { as: 'office', query: { urged: 'false' }, invalid: true });
    await exchange('POST', `/api/items/${id}/replies`, 201, { as: 'own', body: { body: '内部备注', visibility: 'internal' } });
    await exchange('POST', `/api/items/${id}/replies`, 400, { as: 'own', body: { body: '答复', visibility: 'secret' }, invalid: true });
    await exchange('POST', `/api/items/${id}/replies`, 201, { as: 'own', body: { body: '已答复。', visibility: 'public' } });
    await exchange('POST', `/api/submissions/${id}/rating`, 200, { body: { satisfaction: 'basically', comment: '还行' }, headers: { 'X-Access-Key': receipt.accessKey } });
    await exchange('POST', `/api/items/${id}/publication`, 400, { as: 'office', body: { ...publication, title: '' }, invalid: true });
    await exchange('POST', `/api/items/${id}/publication`, 412, { as: 'office', body: publication, headers: { 'If-Match': '"999"' } });
    await exchange('POST', `/api/items/${id}/publication`, 403, { as: 'own', body: publication });
    await exchange('POST', `/api/items/${id}/publication`, 201, { as: 'office', body: publication });
    await exchange('GET', '/api/public/answers', 200, { query: { q: '契约', kind: 'question' } });
    await exchange('GET', '/api/public/answers', 200, { query: { limit: '1' } });
    await exchange('GET', '/api/public/answers', 400, { query: { limit: '0' }, invalid: true });
    await exchange('GET', '/api/public/answers/similar', 200, { query: { text: '契约答复' } });
    await exchange('GET', '/api/public/answers/similar', 400, { query: { text: '契' }, invalid: true });
    await exchange('DELETE', `/api/items/${id}/publication`, 200, { as: 'office' });
    await exchange('DELETE', `/api/items/${id}/publication`, 409, { as: 'office' });
    await exchange('GET', '/api/dashboard', 200, { as: 'office' });
    await exchange('GET', '/api/dashboard', 200, { as: 'own', query: { groupId: 'g1' } });
    await exchange('GET', '/api/practices', 200, { as: 'leader' });
    await exchange('GET', '/api/dashboard', 200, { as: 'office', query: { from: '2026-01-01', to: '2099-12-31' } });
    await exchange('GET', '/api/reports/summary', 200, { as: 'leader' });
    await exchange('GET', '/api/reports/summary', 200, { as: 'office', query: { phase: 'study', from: '2026-01-01', to: '2099-12-31' } });
    await exchange('GET', '/api/reports/summary', 400, { as: 'office', query: { from: 'yesterday' }, invalid: true });
    await exchange('GET', '/api/reports/summary', 403, { as: 'own' });
    await exchange('GET', '/api/exports/items.csv', 200, { headers: { 'X-Yijian-Authorization': `Bearer ${tokens.office}` } });
    await exchange('GET', '/api/exports/items.csv', 401);
    await exchange('GET', '/api/exports/items.xlsx', 200, { headers: { 'X-Yijian-Authorization': `Bearer ${tokens.office}` }, query: { urged: 'true' } });
    await exchange('GET', '/api/exports/items.xlsx', 403, { headers: { 'X-Yijian-Authorization': `Bearer ${tokens.own}` } });
    await exchange('GET', '/api/exports/items.xlsx', 400, { headers: { 'X-Yijian-Authorization': `Bearer ${tokens.office}` }, query: { colour: 'red' }, invalid: true });
    await exchange('GET', '/api/exports/items.xlsx', 401);
    await exchange('GET', '/api/exports/rectifications.xlsx', 200, { headers: { 'X-Yijian-Authorization': `Bearer ${tokens.leader}` }, query: { status: 'verified' } });
    await exchange('GET', '/api/exports/rectifications.xlsx', 403, { headers: { 'X-Yijian-Authorization': `Bearer ${tokens.own}` } });
  });

  it('staff: the directory', async () => {
    const directory = await exchange('GET', '/api/admin/directory', 200, { as: 'office' });
    await exchange('GET', '/api/admin/directory', 403, { as: 'leader' });
    await exchange('PUT', '/api/admin/directory', 200, { as: 'office', body: directory.json });
    await exchange('PUT', '/api/admin/directory', 400, { as: 'office', body: { ...demoDirectory, groups: 'none' }, invalid: true });
  });

  it('sessions: staff and public', async () => {
    const startsAt = new Date(Date.now() - 3600_000).toISOString();
    const made = await exchange('POST', '/api/sessions', 201, { as: 'office', body: { title: '契约培训会', startsAt, place: '三楼', unitIds: [ownUnit.id] } });
    const { code, joinKey } = made.json as { code: string; joinKey: string };
    await exchange('POST', '/api/sessions', 400, { as: 'office', body: { title: '', startsAt: 'tomorrow' }, invalid: true });
    await exchange('GET', '/api/sessions', 200, { as: 'office', query: { limit: '10' } });
    const session = await exchange('GET', `/api/sessions/${code}`, 200, { as: 'office' });
    await exchange('GET', '/api/sessions/PX-0000-0000', 404, { as: 'office' });
    await exchange('PATCH', `/api/sessions/${code}`, 400, { as: 'office', body: { place: '四楼' }, invalid: true });
    await exchange('PATCH', `/api/sessions/${code}`, 200, { as: 'office', body: { place: '四楼' }, headers: { 'If-Match': session.headers.get('etag')! } });
    await exchange('PATCH', `/api/sessions/${code}`, 412, { as: 'office', body: { place: '五楼' }, headers: { 'If-Match': session.headers.get('etag')! } });
    const key = { 'X-Session-Key': joinKey };
    await exchange('GET', `/api/public/sessions/${code}`, 200, { headers: key });
    await exchange('GET', `/api/public/sessions/${code}`, 404);
    await exchange('POST', `/api/public/sessions/${code}/ratings`, 201, { body: { score: 5, comment: '很好' }, headers: key });
    await exchange('POST', `/api/public/sessions/${code}/ratings`, 400, { body: { score: 6 }, headers: key, invalid: true });
    await exchange('POST', `/api/sessions/${code}/records`, 201, { as: 'office', body: { entries: [{ kind: 'question', title: '会上提问', body: '何时整改？', answer: '月底前。' }] } });
    await exchange('POST', `/api/sessions/${code}/records`, 400, { as: 'office', body: { entries: [] }, invalid: true });
    await exchange('GET', `/api/sessions/${code}/summary`, 200, { as: 'office' });
    await exchange('POST', '/api/submissions', 201, { body: { kind: 'feedback', title: '会上反馈', body: '讲得清楚。', anonymous: true, rating: 5, session: { code, key: joinKey } } });
  });

  it('attachments: presigned uploads, attached, and fetched by key and by role', async () => {
    const photo = await pngImage();
    await exchange('POST', '/api/attachments', 415, { body: { fileName: 'a.html', contentType: 'text/html', size: 10 } });
    await exchange('POST', '/api/attachments', 413, { body: { fileName: 'a.png', contentType: 'image/png', size: 11 * 1024 * 1024 } });
    await exchange('POST', '/api/attachments', 400, { body: { fileName: 'a.png', contentType: 'image/png', size: 0 }, invalid: true });
    await exchange('POST', '/api/attachments', 401, { body: { fileName: 'a.png', contentType: 'image/png', size: 10 }, headers: { authorization: 'Bearer nonsense' } });
    const staffUpload = await exchange('POST', '/api/attachments', 201, { as: 'own', body: { fileName: 'a.png', contentType: 'image/png', size: photo.length } });
    expect(staffUpload.json.upload.method).toBe('POST');
    const { id } = await uploadAttachment(api(files.stack.url), { fileName: '照片.png', contentType: 'image/png' }, photo);
    const made = (await exchange('POST', '/api/submissions', 201, { body: { ...submission, anonymous: true, contact: undefined, attachmentIds: [id] } })).json;
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, anonymous: true, contact: undefined, attachmentIds: [id] } });
    await exchange('POST', '/api/submissions', 400, { body: { ...submission, anonymous: true, contact: undefined, attachmentIds: ['not-an-id'] }, invalid: true });
    const key = { 'X-Access-Key': made.accessKey };
    await exchange('GET', `/api/submissions/${made.trackingCode}/attachments/${id}`, 302, { headers: key });
    await exchange('GET', `/api/submissions/${made.trackingCode}/attachments/${id}`, 200, { headers: { ...key, accept: 'application/json' } });
    await exchange('GET', `/api/submissions/${made.trackingCode}/attachments/${id}`, 404, { headers: { 'X-Access-Key': 'wrong' } });
    await exchange('GET', `/api/items/${made.trackingCode}/attachments/${id}`, 302, { as: 'own' });
    await exchange('GET', `/api/items/${made.trackingCode}/attachments/${id}`, 200, { as: 'office', headers: { accept: 'application/json' } });
    await exchange('GET', `/api/items/${made.trackingCode}/attachments/${id}`, 404, { as: 'other' });
  });

  it('kept notices (office)', async () => {
    for (const title of ['发不出的确认一', '发不出的确认二']) {
      await exchange('POST', '/api/submissions', 201, { body: { ...submission, title, contact: { email: undeliverable } } });
    }
    await files.stack.drainNotifications(30_000);
    const kept = await exchange('GET', '/api/admin/notices', 200, { as: 'office' });
    const notices = (kept.json as { notices: { id: string; to: string[] }[] }).notices.filter((n) => n.to.includes(undeliverable));
    expect(notices.length).toBeGreaterThanOrEqual(2);
    await exchange('POST', `/api/admin/notices/${notices[0].id}/redrive`, 202, { as: 'office' });
    await exchange('DELETE', `/api/admin/notices/${notices[1].id}`, 200, { as: 'office' });
    await exchange('GET', '/api/admin/notices', 403, { as: 'own' });
    const unknown = Buffer.from('YJ-0000-0000#created#submitter', 'utf8').toString('base64url');
    await exchange('POST', `/api/admin/notices/${unknown}/redrive`, 404, { as: 'office' });
    await exchange('DELETE', `/api/admin/notices/${unknown}`, 404, { as: 'office' });
    await exchange('DELETE', '/api/admin/notices/not%20an%20id', 400, { as: 'office', invalid: true });
  });

  it('public writes past the rate limit: 429 with Retry-After and where to fetch a challenge', async () => {
    const send = () => fetch(`${files.stack.url}/api/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(submission) });
    // Unchecked until the limit is reached (their 201s are checked above); then checked.
    for (let i = 0; i < 60 && (await send()).status !== 429; i++);
    const limited = await exchange('POST', '/api/submissions', 429, { body: submission });
    expect(limited.json).toMatchObject({ type: 'https://yijian.example/problems/rate-limited', challenge: '/api/challenge' });
  });

  it('a known path with a method it does not have answers 405 with Allow', async () => {
    const r = await fetch(`${files.stack.url}/api/form`, { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
    expect(contentTypeOf(r.headers)).toBe('application/problem+json');
    const both = await fetch(`${files.stack.url}/api/sessions/PX-0000-0000`, { method: 'PUT' });
    expect(both.status).toBe(405);
    expect(both.headers.get('allow')).toBe('GET, PATCH');
    expect((await fetch(`${files.stack.url}/api/nowhere`, { method: 'DELETE' })).status).toBe(404);
  });
});

afterAll(() => {
  const unchecked = routes.filter((r) => !checkedOperations.has(operationIdOf(r.handler))).map((r) => `${r.method} ${r.path}`);
  const statuses = [...checkedOperations.values()].reduce((n, s) => n + s.size, 0);
  console.log(
    `OpenAPI contract: ${checkedOperations.size} of ${routes.length} routes checked, ${counts.requests} requests (${counts.invalidRequests} refused by both), ` +
      `${counts.responses} responses, ${statuses} distinct (operation, status) pairs`,
  );
  // Checked here, after every exchange: a route of the table that no test drove fails the run.
  expect(unchecked, 'routes no exchange reached: add one to test/integration/openapi-contract.test.ts').toEqual([]);
});
