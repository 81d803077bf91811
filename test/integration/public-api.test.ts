import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../shared/domain/calendar';
import { demoDirectory } from '../../shared/demo/directory';
import { calendarOf } from '../../shared/services/directory';
import { trackingCodePattern } from '../../shared/domain/tracking-code';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api } from '../support/stack';

let stack: LocalStack;
let http: Api;

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
});
afterAll(async () => {
  await stack?.stop();
});

const valid = { kind: 'question', title: '关于培训安排', body: '下次培训能否提前一周通知？', anonymous: true };

/** Every error answer: problem+json, the status in the body, and nothing internal in it. */
const expectProblem = (response: Awaited<ReturnType<Api['get']>>, status: number) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(response.text).not.toMatch(leakPattern);
  expect(response.text).not.toContain(stack.tableName);
};

const countItems = async (): Promise<number> => {
  const { client: dynamo, tableName } = stack.deps.db;
  const page = await dynamo.send(
    new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ITEMS' }, Select: 'COUNT' }),
  );
  return page.Count ?? 0;
};

describe('GET /api/form', () => {
  it('gives the campaign with its current phase, the five kinds and the units', async () => {
    const r = await http.get('/api/form');
    expect(r.status).toBe(200);
    expect(r.json.campaign).toMatchObject({ id: demoDirectory.campaign.id, name: demoDirectory.campaign.name, timezone: 'Asia/Shanghai' });
    expect(r.json.campaign.phases.map((p: { id: string }) => p.id)).toEqual(['study', 'review', 'rectify']);
    expect(r.json.campaign.phase.id).toMatch(/^(study|review|rectify)$/);
    expect(r.json.kinds.map((k: { id: string }) => k.id)).toEqual(['feedback', 'question', 'suggestion', 'problem', 'practice']);
    expect(r.json.units).toHaveLength(demoDirectory.units.length);
    expect(r.json.units[0]).toEqual({ id: demoDirectory.units[0].id, name: demoDirectory.units[0].name, system: demoDirectory.units[0].system });
  });
});

describe('POST /api/submissions', () => {
  it('routes an item of a mapped unit to its group with a due date in working days', async () => {
    const unit = demoDirectory.units.find((u) => u.system === '党政机关')!;
    const r = await http.post('/api/submissions', { ...valid, unitId: unit.id });
    expect(r.status).toBe(201);
    expect(r.json.trackingCode).toMatch(trackingCodePattern);
    // 28 Crockford characters (140 bits) in groups of four, read like tracking codes.
    expect(r.json.accessKey).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/);
    const typed = r.json.accessKey.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l');
    expect((await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': typed })).status).toBe(200);
    expect(r.json.status).toBe('assigned');
    const expected = addWorkingDays(new Date(r.json.createdAt), demoDirectory.sla.question, calendarOf(demoDirectory));
    expect(r.json.dueAt).toBe(expected.toISOString());
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey });
    expect(view.status).toBe(200);
    expect(view.json.group).toEqual({ id: unit.groupId, name: demoDirectory.groups.find((g) => g.id === unit.groupId)!.name });
    expect(view.json.unit).toEqual({ id: unit.id, name: unit.name });
  });

  it('lets a rule win over the unit’s own group', async () => {
    const ruleIndex = demoDirectory.rules.findIndex((rule) => rule.when.system && rule.when.kind);
    const rule = demoDirectory.rules[ruleIndex];
    const unit = demoDirectory.units.find((u) => u.system === rule.when.system && u.groupId !== rule.groupId && u.id !== 'u48')!;
    expect(unit).toBeDefined();
    const r = await http.post('/api/submissions', { ...valid, kind: rule.when.kind, unitId: unit.id });
    expect(r.status).toBe(201);
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey });
    expect(view.json.group.id).toBe(rule.groupId);
  });

  it('leaves an item without a unit in the office queue, with no due date', async () => {
    const r = await http.post('/api/submissions', valid);
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('submitted');
    expect(r.json.dueAt).toBeUndefined();
  });

  it('keeps Chinese, emoji, right-to-left text and markup exactly as sent', async () => {
    const title = '<script>alert("x")</script> 意见 😀 مرحبا';
    const body = 'שלום עולם\n第二行：“引号” & <img src=x onerror=alert(1)>\u200f👨‍👩‍👧';
    const r = await http.post('/api/submissions', { ...valid, title, body });
    expect(r.status).toBe(201);
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey });
    expect(view.headers.get('content-type')).toMatch(/^application\/json/);
    expect(view.json.title).toBe(title);
    expect(view.json.body).toBe(body);
    expect(Buffer.from(view.json.body, 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
  });

  it('counts characters, not bytes: 120 Chinese characters or emoji fit a title', async () => {
    expect((await http.post('/api/submissions', { ...valid, title: '意'.repeat(120) })).status).toBe(201);
    expect((await http.post('/api/submissions', { ...valid, title: '😀'.repeat(120) })).status).toBe(201);
    const tooLong = await http.post('/api/submissions', { ...valid, title: '意'.repeat(121) });
    expectProblem(tooLong, 400);
    expect(tooLong.json.errors).toEqual([{ path: 'title', message: expect.any(String) }]);
  });

  it('keeps contact details of a named submission out of the public view', async () => {
    const r = await http.post('/api/submissions', {
      ...valid,
      anonymous: false,
      contact: { name: '王小明', email: 'wang@example.com', phone: '+86 138 0000 0000' },
    });
    expect(r.status).toBe(201);
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey });
    expect(view.text).not.toContain('wang@example.com');
    expect(view.text).not.toContain('王小明');
    expect(view.text).not.toContain('138');
  });

  it('accepts a feedback rating and refuses one on other kinds', async () => {
    expect((await http.post('/api/submissions', { ...valid, kind: 'feedback', rating: 4 })).status).toBe(201);
    const r = await http.post('/api/submissions', { ...valid, rating: 4 });
    expectProblem(r, 400);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['rating']);
  });

  it('drops a honeypot submission silently: 201, but nothing is stored', async () => {
    const before = await countItems();
    const r = await http.post('/api/submissions', { ...valid, website: 'http://spam.example' });
    expect(r.status).toBe(201);
    expect(r.json.trackingCode).toMatch(trackingCodePattern);
    expect(await countItems()).toBe(before);
    expectProblem(await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey }), 404);
  });
});

/** Byte sequences that are not UTF-8, each once in a title that is otherwise valid. */
const invalidUtf8: [string, number[]][] = [
  ['a lone continuation byte', [0x80]],
  ['a truncated sequence', [0xe6, 0x84]],
  ['an overlong slash', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['0xFF', [0xff]],
];

/** The JSON of a valid submission with `bytes` in the middle of its title. */
const withBytes = (bytes: number[]): Uint8Array<ArrayBuffer> => {
  const [before, after] = JSON.stringify({ ...valid, title: '意见@@箱' }).split('@@');
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
};

describe('bad input to POST /api/submissions', () => {
  const cases: [string, () => Promise<Awaited<ReturnType<Api['get']>>>, number, string[]?][] = [
    ['malformed JSON', () => http.call('POST', '/api/submissions', { raw: '{"kind": "question",', headers: { 'content-type': 'application/json' } }), 400],
    ['an empty body', () => http.call('POST', '/api/submissions', { raw: '', headers: { 'content-type': 'application/json' } }), 400],
    ['JSON that is not an object', () => http.post('/api/submissions', ['a']), 400, ['']],
    ['wrong types', () => http.post('/api/submissions', { ...valid, kind: 5, anonymous: 'yes', title: 7 }), 400, ['anonymous', 'kind', 'title']],
    ['an unknown kind', () => http.post('/api/submissions', { ...valid, kind: 'complaint' }), 400, ['kind']],
    ['unknown fields', () => http.post('/api/submissions', { ...valid, titel: 'typo', extra: 1 }), 400, ['extra', 'titel']],
    ['an unknown field in contact', () => http.post('/api/submissions', { ...valid, anonymous: false, contact: { mail: 'a@b.cn' } }), 400, ['contact.mail']],
    ['a missing title and body', () => http.post('/api/submissions', { kind: 'question', anonymous: true }), 400, ['body', 'title']],
    ['a blank title', () => http.post('/api/submissions', { ...valid, title: '   ' }), 400, ['title']],
    ['a body over 5000 characters', () => http.post('/api/submissions', { ...valid, body: 'a'.repeat(5001) }), 400, ['body']],
    ['a NUL character', () => http.post('/api/submissions', { ...valid, title: 'a\u0000b' }), 400, ['title']],
    ['a C1 control character', () => http.post('/api/submissions', { ...valid, body: '意见\u0085箱' }), 400, ['body']],
    ['a bidirectional override', () => http.post('/api/submissions', { ...valid, title: 'txt.\u202eexe' }), 400, ['title']],
    ['a bidirectional isolate', () => http.post('/api/submissions', { ...valid, body: 'a\u2066b\u2069' }), 400, ['body']],
    ['a title of only invisible characters', () => http.post('/api/submissions', { ...valid, title: '\u200b\u200d\u2060\ufeff\u3164' }), 400, ['title']],
    ...invalidUtf8.map(([name, bytes]): (typeof cases)[number] => [
      `a body that is not UTF-8 (${name})`,
      () => http.call('POST', '/api/submissions', { raw: withBytes(bytes), headers: { 'content-type': 'application/json' } }),
      400,
    ]),
    ['an anonymous item with contact', () => http.post('/api/submissions', { ...valid, contact: { email: 'a@example.com' } }), 400, ['contact']],
    ['a bad e-mail', () => http.post('/api/submissions', { ...valid, anonymous: false, contact: { email: 'not-an-email' } }), 400, ['contact.email']],
    ['an unknown unit', () => http.post('/api/submissions', { ...valid, unitId: 'u999' }), 400, ['unitId']],
    ['a rating out of range', () => http.post('/api/submissions', { ...valid, kind: 'feedback', rating: 6 }), 400, ['rating']],
    ['a 20 KiB body', () => http.post('/api/submissions', { ...valid, body: 'x'.repeat(20 * 1024) }), 413],
    ['text/plain', () => http.call('POST', '/api/submissions', { raw: JSON.stringify(valid), headers: { 'content-type': 'text/plain' } }), 415],
    ['no content type', () => http.call('POST', '/api/submissions', { raw: JSON.stringify(valid) }), 415],
    ['a non-UTF-8 charset', () => http.call('POST', '/api/submissions', { raw: JSON.stringify(valid), headers: { 'content-type': 'application/json; charset=latin1' } }), 415],
    ['a bad Idempotency-Key', () => http.post('/api/submissions', valid, { 'Idempotency-Key': 'short' }), 400, ['Idempotency-Key']],
  ];

  for (const [name, send, status, paths] of cases) {
    it(`answers ${name} with ${status} and stores nothing`, async () => {
      const before = await countItems();
      const r = await send();
      expectProblem(r, status);
      if (paths) expect(r.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(paths);
      expect(await countItems()).toBe(before);
    });
  }

  it('answers a request to no endpoint with a 404 problem, and a known path asked with another method with 405 and Allow', async () => {
    expectProblem(await http.get('/api/nothing-here'), 404);
    const wrongMethod = await http.call('DELETE', '/api/submissions');
    expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('tracking with code and key', () => {
  it('gives the same 404 for a wrong key, a missing key, an unknown code and a malformed code', async () => {
    const r = await http.post('/api/submissions', valid);
    const wrongKey = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': 'x'.repeat(43) });
    const noKey = await http.get(`/api/submissions/${r.json.trackingCode}`);
    const unknown = await http.get('/api/submissions/YJ-0000-0000', { 'X-Access-Key': r.json.accessKey });
    const malformed = await http.get('/api/submissions/not-a-code', { 'X-Access-Key': r.json.accessKey });
    for (const response of [wrongKey, noKey, unknown, malformed]) expectProblem(response, 404);
    expect(new Set([wrongKey.text, noKey.text, unknown.text, malformed.text]).size).toBe(1);
  });

  it('reads a code however it is typed: lower case, no dashes, O for 0', async () => {
    const r = await http.post('/api/submissions', valid);
    const code: string = r.json.trackingCode;
    const typed = code.toLowerCase().replace(/-/g, '').replace(/0/g, 'o');
    const view = await http.get(`/api/submissions/${encodeURIComponent(typed)}`, { 'X-Access-Key': r.json.accessKey });
    expect(view.status).toBe(200);
    expect(view.json.trackingCode).toBe(code);
  });

  it('shows the submitter their item, follow-ups included, and nothing internal', async () => {
    const r = await http.post('/api/submissions', { ...valid, unitId: 'u01' });
    const key = { 'X-Access-Key': r.json.accessKey };
    const f = await http.post(`/api/submissions/${r.json.trackingCode}/follow-ups`, { body: '补充：希望有线上回放。' }, key);
    expect(f.status).toBe(201);
    expect(f.json.status).toBe('assigned');
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, key);
    expect(view.json).toMatchObject({
      trackingCode: r.json.trackingCode,
      kind: 'question',
      title: valid.title,
      body: valid.body,
      status: 'assigned',
      replies: [],
      followUps: [{ body: '补充：希望有线上回放。', createdAt: expect.any(String) }],
    });
    expect(Object.keys(view.json)).not.toEqual(expect.arrayContaining(['accessKeyHash']));
    expect(view.text).not.toMatch(/accessKeyHash|history|version|contact/);
  });

  it('refuses a follow-up that is not UTF-8 (400) and stores nothing, where the same bytes in UTF-8 are taken', async () => {
    const r = await http.post('/api/submissions', valid);
    const url = `/api/submissions/${r.json.trackingCode}/follow-ups`;
    const headers = { 'content-type': 'application/json', 'X-Access-Key': r.json.accessKey };
    const [before, after] = JSON.stringify({ body: '补充@@说明' }).split('@@');
    for (const [, bytes] of invalidUtf8) {
      const bad = await http.call('POST', url, { raw: Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]), headers });
      expectProblem(bad, 400);
      expect(bad.text).not.toContain('\ufffd');
    }
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey });
    expect(view.json.followUps).toEqual([]);
    const good = await http.call('POST', url, { raw: Buffer.concat([Buffer.from(before), Buffer.from('😀', 'utf8'), Buffer.from(after)]), headers });
    expect(good.status).toBe(201);
    const later = await http.get(`/api/submissions/${r.json.trackingCode}`, { 'X-Access-Key': r.json.accessKey });
    expect(later.json.followUps.map((f: { body: string }) => f.body)).toEqual(['补充😀说明']);
  });

  it('refuses a follow-up with a wrong key or bad body', async () => {
    const r = await http.post('/api/submissions', valid);
    expectProblem(await http.post(`/api/submissions/${r.json.trackingCode}/follow-ups`, { body: 'x' }, { 'X-Access-Key': 'nope' }), 404);
    const empty = await http.post(`/api/submissions/${r.json.trackingCode}/follow-ups`, { body: '' }, { 'X-Access-Key': r.json.accessKey });
    expectProblem(empty, 400);
    expect(empty.json.errors[0].path).toBe('body');
    expectProblem(
      await http.post(`/api/submissions/${r.json.trackingCode}/follow-ups`, { body: 'x'.repeat(2001) }, { 'X-Access-Key': r.json.accessKey }),
      400,
    );
  });

  it('refuses a rating before there is an answer (409) and a rating with a bad value (400)', async () => {
    const r = await http.post('/api/submissions', valid);
    const key = { 'X-Access-Key': r.json.accessKey };
    expectProblem(await http.post(`/api/submissions/${r.json.trackingCode}/rating`, { satisfaction: 'satisfied' }, key), 409);
    const bad = await http.post(`/api/submissions/${r.json.trackingCode}/rating`, { satisfaction: 'great' }, key);
    expectProblem(bad, 400);
    expect(bad.json.errors[0].path).toBe('satisfaction');
    expect((await http.get(`/api/submissions/${r.json.trackingCode}`, key)).json.status).toBe('submitted');
  });
});

describe('rating and follow-ups on an answered item', () => {
  /** Staff replies arrive with the staff API; until then the test answers through the data layer. */
  const answer = async (code: string) => {
    const { getItem, commitChange } = await import('../../shared/data/items');
    const item = (await getItem(stack.deps, code))!;
    const at = new Date().toISOString();
    await commitChange(stack.deps, item, {
      set: { status: 'answered', updatedAt: at, firstReplyAt: at },
      event: { at, action: 'reply', by: { type: 'staff', sub: 'tester', name: '测试' }, from: item.status, to: 'answered', reply: { id: 'r1', body: '已安排线上回放。', visibility: 'public', groupId: item.groupId } },
    });
  };

  it('closes on satisfied, and a follow-up afterwards reopens it with a fresh due date', async () => {
    const r = await http.post('/api/submissions', { ...valid, unitId: 'u02' });
    const key = { 'X-Access-Key': r.json.accessKey };
    await answer(r.json.trackingCode);
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, key);
    expect(view.json.status).toBe('answered');
    expect(view.json.replies).toEqual([{ id: 'r1', body: '已安排线上回放。', createdAt: expect.any(String), by: { groupName: expect.stringContaining('督导组') } }]);
    const rated = await http.post(`/api/submissions/${r.json.trackingCode}/rating`, { satisfaction: 'satisfied' }, key);
    expect(rated.status).toBe(200);
    expect(rated.json).toEqual({ status: 'closed' });
    expectProblem(await http.post(`/api/submissions/${r.json.trackingCode}/rating`, { satisfaction: 'satisfied' }, key), 409);
    const f = await http.post(`/api/submissions/${r.json.trackingCode}/follow-ups`, { body: '回放链接打不开。' }, key);
    expect(f.status).toBe(201);
    expect(f.json.status).toBe('reopened');
    expect(f.json.dueAt).toBeDefined();
  });

  it('reopens on unsatisfied and keeps the comment as a follow-up', async () => {
    const r = await http.post('/api/submissions', { ...valid, unitId: 'u03' });
    const key = { 'X-Access-Key': r.json.accessKey };
    await answer(r.json.trackingCode);
    const rated = await http.post(`/api/submissions/${r.json.trackingCode}/rating`, { satisfaction: 'unsatisfied', comment: '没有回答我的问题。' }, key);
    expect(rated.json).toEqual({ status: 'reopened' });
    const view = await http.get(`/api/submissions/${r.json.trackingCode}`, key);
    expect(view.json.satisfaction).toBe('unsatisfied');
    expect(view.json.followUps.map((f: { body: string }) => f.body)).toEqual(['没有回答我的问题。']);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first receipt and creates one item', async () => {
    const headers = { 'Idempotency-Key': `retry-${Date.now()}` };
    const before = await countItems();
    const first = await http.post('/api/submissions', valid, headers);
    const second = await http.post('/api/submissions', valid, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(await countItems()).toBe(before + 1);
  });

  it('turns 20 concurrent retries into one item and one receipt', async () => {
    const headers = { 'Idempotency-Key': `burst-${Date.now()}-abcdef` };
    const before = await countItems();
    const answers = await Promise.all(Array.from({ length: 20 }, () => http.post('/api/submissions', { ...valid, unitId: 'u05' }, headers)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => `${a.json.trackingCode}/${a.json.accessKey}`)).size).toBe(1);
    expect(await countItems()).toBe(before + 1);
    const view = await http.get(`/api/submissions/${answers[0].json.trackingCode}`, { 'X-Access-Key': answers[0].json.accessKey });
    expect(view.status).toBe(200);
  });

  it('refuses the same key for a different submission (409)', async () => {
    const headers = { 'Idempotency-Key': `reuse-${Date.now()}` };
    expect((await http.post('/api/submissions', valid, headers)).status).toBe(201);
    expectProblem(await http.post('/api/submissions', { ...valid, title: '另一件事' }, headers), 409);
  });

  it('stores neither the idempotency key nor the access key in the clear', async () => {
    const key = `secret-${Date.now()}-key`;
    const r = await http.post('/api/submissions', valid, { 'Idempotency-Key': key });
    const { client: dynamo, tableName } = stack.deps.db;
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    // A Scan is fine here: the test inspects everything stored, which no request path ever does.
    const all = JSON.stringify((await dynamo.send(new ScanCommand({ TableName: tableName }))).Items);
    expect(all).not.toContain(key);
    expect(all).not.toContain(r.json.accessKey);
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with every route and the request schemas', async () => {
    const r = await http.get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    const { routes } = await import('../../shared/routes');
    for (const route of routes) expect(r.json.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
    const schema = r.json.paths['/api/submissions'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['kind', 'title', 'body', 'anonymous']));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.kind.enum).toEqual(['feedback', 'question', 'suggestion', 'problem', 'practice']);
    expect(schema.properties.title.maxLength).toBe(120);
  });
});
