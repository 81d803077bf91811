import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { devClientId, devIssuer } from '../../local/dev-issuer';
import { demoDirectory } from '../../shared/demo/directory';
import { idempotencyKeyHash } from '../../shared/domain/idempotency';
import { normalizeTrackingCode } from '../../shared/domain/tracking-code';
import { api, leakPattern, startTestStack, type Api } from '../support/stack';
import { countQuery } from '../support/table-reads';
import { disagreement } from '../support/openapi-document';
import {
  authorization,
  bodyFor,
  contentType,
  encodeSegment,
  extraHeaders,
  headerValue,
  idempotencyKey,
  ifMatch,
  pathParam,
  queryString,
  validBodies,
  type Body,
  type CodeRef,
  type Json,
  type TokenRef,
} from './generators';

/**
 * Property-based fuzzing of every endpoint (public, staff with valid, odd and forged tokens, and the
 * local dev routes) through the real gateway and handlers on DynamoDB Local.
 *
 * For every response: never a 5xx; an error is problem+json whose `status` is the HTTP status;
 * nothing internal shows (leakPattern, the table name, internal attribute names). For a rejected
 * write: nothing was stored (the item count, the target item's version and events, the directory,
 * the idempotency record). An accepted submission is readable with its key, exactly as sent.
 * And every exchange agrees with the OpenAPI document (test/support/openapi-document.ts): a documented status
 * with a valid body, no accepted request the document refuses, 404/405 where it has no operation.
 *
 * Cases: YIJIAN_FUZZ_RUNS in total (default 1,000; `npm run fuzz` sets 20,000), shared between the
 * endpoints by weight. YIJIAN_FUZZ_SEED replays a run (fast-check prints the seed of a failure).
 */
const totalRuns = Math.max(1, Number(process.env.YIJIAN_FUZZ_RUNS ?? 1000));
const seed = process.env.YIJIAN_FUZZ_SEED ? Number(process.env.YIJIAN_FUZZ_SEED) : undefined;

let stack: LocalStack;
let http: Api;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

// ---------------------------------------------------------------------------------------------
// The wire: node:http, so paths, bodies on GET and header bytes go out exactly as generated.

interface Wire {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}
interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

const send = (wire: Wire): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(stack.url);
    const headers: Record<string, string> = { ...wire.headers };
    if (wire.body) headers['content-length'] = String(wire.body.length);
    const req = httpRequest({ host: '127.0.0.1', port: Number(port), method: wire.method, path: wire.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer in 30 s to ${wire.method} ${wire.path.slice(0, 200)}`)));
    req.on('error', reject);
    req.end(wire.body);
  });

// ---------------------------------------------------------------------------------------------
// Fixtures: items in several states with their keys, and tokens of every kind.

interface Fixture {
  readonly code: string;
  readonly key: string;
}
const fixtures: Fixture[] = [];
/** A training session (code and join key) the `@session` path segment names. */
const sessionFixture: Fixture = { code: 'PX-0000-0000', key: 'none' };
const tokens: Record<string, string> = {};
/** Signed by the local issuer and in force (some with claims the console never asks for). */
const validTokens = ['office', 'office', 'leader', 'g1', 'g2g3', 'g5', 'oddGroups', 'oddName'] as const;
/** Not a key to the staff API: expired, forged, unsigned, tampered, truncated, no role, no subject. */
const forgedTokens = ['noRole', 'expired', 'otherKey', 'algNone', 'tampered', 'hs256', 'truncated', 'emptySub'] as const;

/**
 * Strings a client sent that themselves look like a leak: an echo of them (an unknown field's name
 * in `errors[]`, a stored title in a list) is not a leak. Those of the current case, and those of
 * accepted writes (which later answers may show), are kept apart so one odd key sent once does not
 * blind the check for the rest of the run.
 */
const storedEchoes = new Set<string>();
let caseEchoes = new Set<string>();
const internalPattern = /accessKeyHash|"sk"\s*:|"entity"\s*:|IDEM#|ITEM#|COUNTERS|RATE#|requestHash|"sealed"/;
const noteSent = (value: unknown, into: Set<string> = caseEchoes): void => {
  // Iterative: a body may be a 6,000-deep array.
  const todo: unknown[] = [value];
  while (todo.length) {
    const v = todo.pop();
    if (typeof v === 'string') {
      if (v.length <= 20_000 && (leakPattern.test(v) || internalPattern.test(v))) into.add(v);
    } else if (Array.isArray(v)) todo.push(...v);
    else if (v && typeof v === 'object') for (const [k, inner] of Object.entries(v)) todo.push(k, inner);
  }
};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const makeTokens = async () => {
  const issue = (claims: { sub: string; name: string; groups: string[] }, expiresInSeconds?: number) => {
    noteSent(claims, storedEchoes);
    return stack.issuer.issue(claims, expiresInSeconds === undefined ? {} : { expiresInSeconds });
  };
  tokens.office = await issue({ sub: 'fuzz-office', name: '办公室 王', groups: ['office'] });
  tokens.leader = await issue({ sub: 'fuzz-leader', name: '领导 赵', groups: ['leader'] });
  tokens.g1 = await issue({ sub: 'fuzz-g1', name: '一组 孙', groups: ['group:g1'] });
  tokens.g2g3 = await issue({ sub: 'fuzz-g2g3', name: '二三组 周', groups: ['group:g2', 'group:g3'] });
  tokens.g5 = await issue({ sub: 'fuzz-g5', name: '五组 吴', groups: ['group:g5'] });
  tokens.noRole = await issue({ sub: 'fuzz-nobody', name: '无角色', groups: [] });
  tokens.expired = await issue({ sub: 'fuzz-office', name: '办公室 王', groups: ['office'] }, -120);
  // Validly signed by the local issuer, with claims the console would never ask for.
  tokens.emptySub = await issue({ sub: '', name: '空', groups: ['office'] });
  tokens.oddGroups = await issue({ sub: 'fuzz-odd', name: 'odd', groups: ['__proto__', 'constructor', 'group:', 'group:g1,group:g2', 'OFFICE', 'group:../g1', 'group:g1'] });
  tokens.oddName = await issue({ sub: 'fuzz-name', name: `<img src=x onerror=alert(1)>\u202e${'名'.repeat(300)}`, groups: ['group:g1'] });

  const now = Math.floor(Date.now() / 1000);
  const claims = {
    'cognito:groups': ['office'],
    token_use: 'access',
    scope: 'openid profile',
    client_id: devClientId,
    username: 'fuzz-office',
    name: '办公室 王',
    auth_time: now,
    sub: 'fuzz-office',
    iss: devIssuer,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
  };
  const { privateKey } = await generateKeyPair('RS256');
  tokens.otherKey = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'yijian-dev-1', typ: 'JWT' }).sign(privateKey);
  tokens.algNone = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
  const [header, , signature] = tokens.g1.split('.');
  tokens.tampered = `${header}.${b64url(claims)}.${signature}`;
  const hsInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: 'yijian-dev-1' })}.${b64url(claims)}`;
  tokens.hs256 = `${hsInput}.${createHmac('sha256', 'secret').update(hsInput).digest('base64url')}`;
  tokens.truncated = tokens.office.slice(0, -10);
};

const makeFixtures = async () => {
  const office = { authorization: `Bearer ${tokens.office}` };
  const specs: { body: Record<string, unknown>; then?: 'answer' | 'start' | 'note' | 'closed' }[] = [
    { body: { kind: 'question', title: '培训安排', body: '能否提前一周通知？', unitId: 'u01', anonymous: true } },
    { body: { kind: 'problem', title: '食堂排队', body: '中午排队太久。', unitId: 'u48', anonymous: false, contact: { name: '陈', email: 'chen@example.com' } }, then: 'answer' },
    { body: { kind: 'practice', title: '读书会', body: '每周一次读书会。', anonymous: true } },
    { body: { kind: 'feedback', title: '授课很好', body: '案例丰富。', rating: 5, unitId: 'u02', anonymous: true }, then: 'answer' },
    { body: { kind: 'suggestion', title: '增加线上课程', body: '方便基层。', unitId: 'u20', anonymous: true }, then: 'start' },
    { body: { kind: 'practice', title: '结对帮扶', body: '一对一。', unitId: 'u01', anonymous: true }, then: 'note' },
    { body: { kind: 'question', title: '学时认定', body: '线上学时如何认定？', anonymous: true }, then: 'answer' },
    { body: { kind: 'problem', title: '材料过多', body: '表格重复填报。', unitId: 'u30', anonymous: true }, then: 'closed' },
    { body: { kind: 'feedback', title: '场地太小', body: '会议室坐不下。', unitId: 'u05', anonymous: true } },
    { body: { kind: 'question', title: '考试时间', body: '何时考试？', unitId: 'u60', anonymous: true }, then: 'answer' },
    { body: { kind: 'suggestion', title: '😀 意见', body: 'مرحبا\n第二行', unitId: 'u10', anonymous: true } },
    { body: { kind: 'problem', title: '设备老旧', body: '投影仪坏了。', unitId: 'u40', anonymous: true }, then: 'start' },
  ];
  const session = await http.post('/api/sessions', { title: '模糊测试场次', startsAt: '2026-12-08T01:30:00.000Z' }, office);
  expect(session.status, session.text).toBe(201);
  Object.assign(sessionFixture, { code: session.json.code, key: session.json.joinKey });
  for (const spec of specs) {
    const r = await http.post('/api/submissions', spec.body);
    expect(r.status, r.text).toBe(201);
    const { trackingCode: code, accessKey: key } = r.json as { trackingCode: string; accessKey: string };
    fixtures.push({ code, key });
    if (spec.then === 'answer' || spec.then === 'closed') {
      expect((await http.post(`/api/items/${code}/replies`, { body: '已答复。', visibility: 'public' }, office)).status).toBe(201);
    }
    if (spec.then === 'closed') expect((await http.post(`/api/items/${code}/transition`, { action: 'close' }, office)).status).toBe(200);
    if (spec.then === 'note') expect((await http.post(`/api/items/${code}/replies`, { body: '内部备注', visibility: 'internal' }, office)).status).toBe(201);
    if (spec.then === 'start') {
      if ((await http.post(`/api/items/${code}/assign`, { groupId: 'g2' }, office)).status !== 200) throw new Error('assign failed');
      expect((await http.post(`/api/items/${code}/transition`, { action: 'start' }, office)).status).toBe(200);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// What the data layer holds: read directly, as public-api.test.ts does.

const data = async () => {
  const [{ getItem }, { getDirectory, putDirectory }] = await Promise.all([import('../../shared/data/items'), import('../../shared/data/directory')]);
  const { client: dynamo, tableName } = stack.deps.db;
  return { dynamo, tableName, getItem, getDirectory, putDirectory };
};

/** Items in the table (the `ITEMS` partition of gsi1, every page). */
const countItems = async (): Promise<number> => {
  const { tableName } = await data();
  return countQuery({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ITEMS' } });
};

/** An item's version and the number of records in its collection (item + events). */
const itemSnapshot = async (code: string) => {
  const { dynamo, tableName } = await data();
  const page = await dynamo.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ITEM#${code}` }, ConsistentRead: true }),
  );
  const item = (page.Items ?? []).find((i) => i.sk === '#ITEM');
  return { version: item?.version as number | undefined, records: page.Count ?? 0, status: item?.status as string | undefined };
};

const idempotencyRecordExists = async (key: string) => {
  const { dynamo, tableName } = await data();
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: { pk: `IDEM#${idempotencyKeyHash(key)}`, sk: 'IDEM' }, ConsistentRead: true }));
  return Item !== undefined;
};

// ---------------------------------------------------------------------------------------------
// Plans: what a generated case asks for, before fixture references are resolved.

type KeyRef = { own: true } | { ref: number } | { raw: string } | undefined;
interface Plan {
  readonly method: string;
  /** Segments after `/api/`; CodeRefs become fixture tracking codes. */
  readonly segments: (string | CodeRef)[];
  readonly query: string;
  readonly auth?: TokenRef;
  readonly accessKey?: KeyRef;
  readonly ifMatch?: string;
  readonly idempotencyKey?: string;
  readonly contentType?: string;
  readonly body?: Body;
  readonly extra: Record<string, string>;
}

const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const codeText = (ref: CodeRef): string => {
  const { code } = fixtures[ref.ref % fixtures.length];
  switch (ref.variant) {
    case 'canonical':
      return code;
    case 'lower':
      return code.toLowerCase();
    case 'compact':
      return code.slice(3).replace('-', '');
    case 'confusable':
      return code.replace(/0/g, 'O').replace(/1/g, 'l');
    case 'fullwidth':
      return fullWidth(code);
    case 'spaced':
      return code.replace(/-/g, ' ');
  }
};

interface Built {
  readonly wire: Wire;
  /** The fixture item the path names (for the rejected-write checks). */
  readonly target?: string;
  readonly parsedBody?: Json;
}

const build = (plan: Plan): Built => {
  caseEchoes = new Set();
  let target: string | undefined;
  let firstRef: CodeRef | undefined;
  const segments = plan.segments.map((segment) => {
    if (segment === '@session') return sessionFixture.code;
    if (typeof segment === 'string') return segment;
    firstRef ??= segment;
    const text = codeText(segment);
    target ??= normalizeTrackingCode(text) ?? undefined;
    noteSent(text);
    return encodeSegment(text);
  });
  const path = `/api/${segments.join('/')}${plan.query}`;
  const headers: Record<string, string> = { ...plan.extra };
  if (plan.auth) {
    if ('token' in plan.auth) headers.authorization = `Bearer ${tokens[plan.auth.token]}`;
    else if (plan.auth.raw !== undefined) headers.authorization = plan.auth.raw;
  }
  if (plan.accessKey && plan.segments.includes('@session')) {
    // The session's own join key, another fixture's secret, or anything at all.
    headers['x-session-key'] = 'own' in plan.accessKey ? sessionFixture.key : 'ref' in plan.accessKey ? fixtures[plan.accessKey.ref % fixtures.length].key : plan.accessKey.raw;
  } else if (plan.accessKey) {
    if ('own' in plan.accessKey) headers['x-access-key'] = firstRef ? fixtures[firstRef.ref % fixtures.length].key : 'none';
    else if ('ref' in plan.accessKey) headers['x-access-key'] = fixtures[plan.accessKey.ref % fixtures.length].key;
    else headers['x-access-key'] = plan.accessKey.raw;
  }
  if (plan.ifMatch !== undefined) headers['if-match'] = plan.ifMatch;
  if (plan.idempotencyKey !== undefined) headers['idempotency-key'] = plan.idempotencyKey;
  if (plan.contentType !== undefined) headers['content-type'] = plan.contentType;
  let body = plan.body?.bytes;
  let parsedBody = plan.body?.parsed;
  // `@session-code` and `@session-key` in a body (a submission through a link) name the fixture session's.
  if (body && body.length < 100_000 && body.includes('"@session-')) {
    const text = body.toString('utf8').replace(/"@session-code"/g, JSON.stringify(sessionFixture.code)).replace(/"@session-key"/g, JSON.stringify(sessionFixture.key));
    body = Buffer.from(text, 'utf8');
    parsedBody = parsedBody === undefined ? undefined : (JSON.parse(JSON.stringify(parsedBody).replace(/"@session-code"/g, JSON.stringify(sessionFixture.code)).replace(/"@session-key"/g, JSON.stringify(sessionFixture.key))) as Json);
  }
  // `@item:<n>` in a body (a merge target) names a fixture item.
  if (body && body.length < 100_000 && body.includes('"@item:')) {
    const text = body.toString('utf8').replace(/"@item:(\d+)"/g, (_, n: string) => JSON.stringify(fixtures[Number(n) % fixtures.length].code));
    body = Buffer.from(text, 'utf8');
    parsedBody = JSON.parse(text) as Json;
  }
  noteSent(parsedBody);
  noteSent(headers);
  for (const segment of segments) {
    try {
      noteSent(decodeURIComponent(segment));
    } catch {
      noteSent(segment);
    }
  }
  try {
    for (const [k, v] of new URL(path, 'http://x').searchParams) noteSent([k, v]);
  } catch {
    // not a URL the client could parse either
  }
  return { wire: withinHeadLimit({ method: plan.method, path, headers, body }), target, parsedBody };
};

/**
 * Node's HTTP server refuses a request head over 16 KiB with a bare 431 before the gateway sees it
 * (API Gateway has its own limits): keep generated requests under it by halving the longest part.
 */
const headLimit = 15_000;
const withinHeadLimit = (wire: Wire): Wire => {
  const headers = { ...wire.headers };
  let path = wire.path;
  const size = () => path.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v, 'latin1') + 4, 0);
  while (size() > headLimit) {
    const [name, value] = Object.entries(headers).sort((a, b) => b[1].length - a[1].length)[0] ?? ['', ''];
    if (value.length >= path.length) headers[name] = value.slice(0, Math.floor(value.length / 2));
    else path = path.slice(0, Math.floor(path.length / 2)).replace(/%[0-9A-Fa-f]?$/, '');
  }
  return { ...wire, headers, path };
};

// ---------------------------------------------------------------------------------------------
// The invariants of every answer.

const describeCase = (wire: Wire, answer: Answer) =>
  `${wire.method} ${wire.path.slice(0, 300)}\nrequest headers: ${JSON.stringify(wire.headers).slice(0, 600)}\n` +
  `request body: ${wire.body ? JSON.stringify(wire.body.toString('utf8').slice(0, 600)) : '(none)'}\n` +
  `-> ${answer.status} ${answer.headers['content-type'] ?? ''}\n${answer.text.slice(0, 1000)}`;

/** The answer with every echo of what a client sent removed: what remains is the server's own words. */
const withoutEchoes = (text: string) => {
  let out = text;
  for (const s of new Set([...caseEchoes, ...storedEchoes])) {
    if (s === '') continue;
    for (const form of new Set([s, JSON.stringify(s).slice(1, -1), s.replace(/"/g, '""')])) out = out.split(form).join('');
  }
  return out;
};

const checkAnswer = (wire: Wire, answer: Answer) => {
  const where = () => describeCase(wire, answer);
  if (answer.status >= 500) throw new Error(`a ${answer.status}:\n${where()}`);
  if (answer.status >= 400) {
    if (!/^application\/problem\+json/.test(String(answer.headers['content-type']))) throw new Error(`an error that is not problem+json:\n${where()}`);
    let doc: { status?: unknown; title?: unknown; type?: unknown };
    try {
      doc = JSON.parse(answer.text) as typeof doc;
    } catch {
      throw new Error(`a problem body that is not JSON:\n${where()}`);
    }
    if (doc.status !== answer.status || typeof doc.title !== 'string' || typeof doc.type !== 'string') {
      throw new Error(`a problem document whose status is not the HTTP status:\n${where()}`);
    }
  }
  if (answer.text.includes(stack.tableName)) throw new Error(`the table name shows:\n${where()}`);
  const own = withoutEchoes(answer.text);
  if (leakPattern.test(own)) throw new Error(`a leak (${leakPattern.exec(own)![0]}):\n${where()}`);
  if (internalPattern.test(own)) throw new Error(`an internal attribute shows (${internalPattern.exec(own)![0]}):\n${where()}`);
};

// ---------------------------------------------------------------------------------------------
// What the store must (not) hold afterwards.

const ledger = {
  expectedItems: 0,
  created: new Set<string>(),
  /** Idempotency keys that were answered 201 (a record may exist for them). */
  answeredKeys: new Set<string>(),
  submissions: 0,
  countChecks: 0,
};

const isHoneypot = (parsed: Json | undefined) =>
  !!parsed && typeof parsed === 'object' && !Array.isArray(parsed) && typeof parsed.website === 'string' && parsed.website !== '';

const expectCount = async (why: string, where: () => string) => {
  ledger.countChecks++;
  const count = await countItems();
  if (count !== ledger.expectedItems) throw new Error(`${why}: ${count} items stored, ${ledger.expectedItems} expected\n${where()}`);
};

/** POST /api/submissions: only a new 201 adds an item; an accepted one reads back exactly as sent. */
const afterSubmission = async (built: Built, answer: Answer) => {
  ledger.submissions++;
  const where = () => describeCase(built.wire, answer);
  const key = built.wire.headers['idempotency-key'];
  if (answer.status === 201) {
    const receipt = JSON.parse(answer.text) as { trackingCode: string; accessKey: string };
    if (key !== undefined) ledger.answeredKeys.add(key);
    if (!isHoneypot(built.parsedBody) && !ledger.created.has(receipt.trackingCode)) {
      ledger.created.add(receipt.trackingCode);
      ledger.expectedItems++;
      const view = await http.get(`/api/submissions/${receipt.trackingCode}`, { 'X-Access-Key': receipt.accessKey });
      const sent = built.parsedBody as { title: string; body: string };
      if (view.status !== 200 || view.json.title !== sent.title || view.json.body !== sent.body) {
        throw new Error(`an accepted submission does not read back as sent: ${view.status} ${view.text.slice(0, 500)}\n${where()}`);
      }
    }
  } else if (answer.status >= 400) {
    if (key !== undefined && !ledger.answeredKeys.has(key) && /^[\x21-\x7E]{8,128}$/.test(key) && (await idempotencyRecordExists(key))) {
      throw new Error(`a rejected submission left an idempotency record:\n${where()}`);
    }
    // Counting reads the whole ITEMS partition: every fourth rejection, and every 100 submissions.
    if (ledger.submissions % 4 === 0) await expectCount('a rejected submission stored an item', where);
  }
  if (ledger.submissions % 100 === 0) await expectCount('the item count drifted', where);
};

/** A write to an item that was refused left the item and its events as they were. */
const guardItem = async (built: Built, run: () => Promise<Answer>): Promise<Answer> => {
  if (!built.target) return run();
  const before = await itemSnapshot(built.target);
  const answer = await run();
  if (answer.status >= 400) {
    const after = await itemSnapshot(built.target);
    if (after.version !== before.version || after.records !== before.records) {
      throw new Error(`a refused write changed the item: ${JSON.stringify(before)} -> ${JSON.stringify(after)}\n${describeCase(built.wire, answer)}`);
    }
  }
  return answer;
};

// ---------------------------------------------------------------------------------------------
// The endpoints and their generators.

const staffAuth = authorization(validTokens, forgedTokens);
const noAuth: fc.Arbitrary<TokenRef | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: staffAuth, weight: 1 },
);
const accessKeyArb: fc.Arbitrary<KeyRef> = fc.oneof(
  { arbitrary: fc.constant({ own: true } as const), weight: 6 },
  { arbitrary: fc.nat().map((ref) => ({ ref })), weight: 1 },
  { arbitrary: headerValue.map((raw) => ({ raw })), weight: 2 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

/** A GET with no body, or now and then a body anyway (which must be ignored). */
const maybeStrayBody = fc.option(bodyFor(validBodies.followUp), { freq: 8, nil: undefined });

type Kind = 'submission' | 'item-write' | 'directory-put' | 'plain';
interface Endpoint {
  readonly name: string;
  readonly weight: number;
  readonly kind: Kind;
  readonly plan: fc.Arbitrary<Plan>;
}

/** Counterexamples print short: generated strings run to thousands of characters. */
const printablePlan = (plan: Plan): Plan =>
  Object.defineProperty(plan, fc.toStringMethod, {
    value: () =>
      JSON.stringify(plan, (key, value: unknown) =>
        typeof value === 'string' && value.length > 120 ? `${value.slice(0, 100)}…(${value.length} chars)` : key === 'body' ? String(value) : value,
      ),
    enumerable: false,
  });

const get = (segments: fc.Arbitrary<(string | CodeRef)[]>, options: { auth: fc.Arbitrary<TokenRef | undefined>; query?: fc.Arbitrary<string>; key?: boolean }) =>
  fc
    .record({
      segments,
      query: options.query ?? queryString,
      auth: options.auth,
      accessKey: options.key ? accessKeyArb : fc.constant(undefined),
      body: maybeStrayBody,
      contentType,
      extra: extraHeaders,
    })
    .map((r): Plan => printablePlan({ method: 'GET', ...r }));

const write = (
  method: 'POST' | 'PUT' | 'PATCH',
  segments: fc.Arbitrary<(string | CodeRef)[]>,
  body: fc.Arbitrary<Record<string, Json>>,
  options: { auth: fc.Arbitrary<TokenRef | undefined>; key?: boolean; ifMatch?: boolean; idempotency?: boolean },
) =>
  fc
    .record({
      segments,
      query: fc.oneof({ arbitrary: fc.constant(''), weight: 9 }, { arbitrary: queryString, weight: 1 }),
      auth: options.auth,
      accessKey: options.key ? accessKeyArb : fc.constant(undefined),
      ifMatch: options.ifMatch ? ifMatch : fc.constant(undefined),
      idempotencyKey: options.idempotency ? idempotencyKey : fc.constant(undefined),
      contentType,
      body: bodyFor(body),
      extra: extraHeaders,
    })
    .map((r): Plan => printablePlan({ method, ...r }));

const seg = (...parts: (string | fc.Arbitrary<string | CodeRef>)[]) =>
  fc.tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant(p) : p))) as fc.Arbitrary<(string | CodeRef)[]>;

const unknownRoute: fc.Arbitrary<Plan> = fc
  .record({
    // Methods Node's HTTP parser knows (it answers an unknown one itself, before the gateway sees it).
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'),
    segments: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom('form', 'submissions', 'items', 'admin', 'directory', 'dev', 'token', 'x', ''), fc.string({ maxLength: 12 }).map((s) => encodeSegment(s))), {
        minLength: 1,
        maxLength: 5,
      }),
      // Known paths with the wrong method (or the right one: then it is just another case).
      fc
        .constantFrom('form', 'submissions', 'items', 'dashboard', 'admin/directory', 'dev/outbox', 'dev/sweep', 'openapi.json', 'exports/items.csv')
        .map((p) => p.split('/')),
    ),
    query: queryString,
    auth: fc.option(staffAuth, { nil: undefined }),
    contentType,
    body: fc.option(bodyFor(validBodies.submission), { nil: undefined }),
    extra: extraHeaders,
  })
  // Only the API: other paths are the pages' static server.
  .filter((r) => r.segments.join('/') !== '' && !r.segments.some((s) => s === '.' || s === '..'))
  .map((r): Plan => printablePlan(r));

/** The fixture session (`@session`), or any code the path parameter generator makes. */
const sessionParam: fc.Arbitrary<string | CodeRef> = fc.oneof({ arbitrary: fc.constant('@session'), weight: 3 }, { arbitrary: pathParam, weight: 1 });
const sessionQuery: fc.Arbitrary<string> = fc.oneof(
  queryString,
  fc
    .record({ from: fc.constantFrom('2026-12-01', '2026-02-30', 'x'), to: fc.constantFrom('2027-01-01', ''), groupId: fc.constantFrom('g1', 'g9', ''), phase: fc.constantFrom('study', '') }, { requiredKeys: [] })
    .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
);
/** A report's or the dashboard's period: real days, impossible ones, reversed ones, with or without a phase. */
const periodQuery: fc.Arbitrary<string> = fc.oneof(
  queryString,
  fc
    .record({ from: fc.constantFrom('2026-12-01', '2026-02-30', '2027-01-02', 'x', ''), to: fc.constantFrom('2026-12-31', '2026-11-30', '9999-12-31', ''), phase: fc.constantFrom('study', 'nope', '') }, { requiredKeys: [] })
    .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
);
/** The published answers' queries: any text (CJK, emoji, controls, lone surrogates), kinds, cursors, limits. */
const answerText = fc.oneof(fc.string({ minLength: 2, maxLength: 30, unit: 'grapheme' }), fc.string({ maxLength: 12, unit: 'binary' }), fc.constantFrom('加装电梯', '电', '老旧小区加装电梯审批要多久', 'a'.repeat(501), '\u0000x'));
const answersQuery: fc.Arbitrary<string> = fc.oneof(
  queryString,
  fc
    .record(
      { q: answerText, kind: fc.constantFrom('question', 'problem', 'gossip', ''), cursor: fc.constantFrom('eyJ2IjoxLCJwIjoicjEifQ', 'bm9wZQ', ''), limit: fc.constantFrom('1', '100', '0', 'x') },
      { requiredKeys: [] },
    )
    .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
);
const similarQuery: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: queryString, weight: 1 },
  { arbitrary: answerText.map((text) => `?${new URLSearchParams({ text }).toString()}`), weight: 4 },
  { arbitrary: fc.record({ text: answerText, q: answerText }).map((q) => `?${new URLSearchParams(q).toString()}`), weight: 1 },
);

const endpoints: Endpoint[] = [
  { name: 'GET /api/form', weight: 2, kind: 'plain', plan: get(seg('form'), { auth: noAuth }) },
  { name: 'GET /api/openapi.json', weight: 1, kind: 'plain', plan: get(seg('openapi.json'), { auth: noAuth }) },
  {
    name: 'POST /api/submissions',
    weight: 22,
    kind: 'submission',
    plan: write('POST', seg('submissions'), validBodies.submission, { auth: noAuth, idempotency: true }),
  },
  { name: 'GET /api/submissions/{trackingCode}', weight: 8, kind: 'plain', plan: get(seg('submissions', pathParam), { auth: noAuth, key: true }) },
  {
    name: 'POST /api/submissions/{trackingCode}/follow-ups',
    weight: 7,
    kind: 'item-write',
    plan: write('POST', seg('submissions', pathParam, 'follow-ups'), validBodies.followUp, { auth: noAuth, key: true }),
  },
  {
    name: 'POST /api/submissions/{trackingCode}/rating',
    weight: 6,
    kind: 'item-write',
    plan: write('POST', seg('submissions', pathParam, 'rating'), validBodies.rating, { auth: noAuth, key: true }),
  },
  { name: 'GET /api/items', weight: 8, kind: 'plain', plan: get(seg('items'), { auth: staffAuth }) },
  { name: 'GET /api/items/{id}', weight: 5, kind: 'plain', plan: get(seg('items', pathParam), { auth: staffAuth }) },
  {
    name: 'POST /api/items/{id}/assign',
    weight: 6,
    kind: 'item-write',
    plan: write('POST', seg('items', pathParam, 'assign'), validBodies.assign, { auth: staffAuth, ifMatch: true }),
  },
  {
    name: 'POST /api/items/{id}/replies',
    weight: 7,
    kind: 'item-write',
    plan: write('POST', seg('items', pathParam, 'replies'), validBodies.reply, { auth: staffAuth, ifMatch: true }),
  },
  {
    name: 'POST /api/items/{id}/transition',
    weight: 8,
    kind: 'item-write',
    plan: write('POST', seg('items', pathParam, 'transition'), validBodies.transition, { auth: staffAuth, ifMatch: true }),
  },
  { name: 'GET /api/dashboard', weight: 4, kind: 'plain', plan: get(seg('dashboard'), { auth: staffAuth }) },
  { name: 'GET /api/practices', weight: 2, kind: 'plain', plan: get(seg('practices'), { auth: staffAuth }) },
  { name: 'GET /api/exports/items.csv', weight: 3, kind: 'plain', plan: get(seg('exports', 'items.csv'), { auth: staffAuth }) },
  { name: 'GET /api/reports/summary', weight: 3, kind: 'plain', plan: get(seg('reports', 'summary'), { auth: staffAuth, query: periodQuery }) },
  { name: 'GET /api/dashboard (a period)', weight: 2, kind: 'plain', plan: get(seg('dashboard'), { auth: staffAuth, query: periodQuery }) },
  { name: 'GET /api/admin/directory', weight: 2, kind: 'plain', plan: get(seg('admin', 'directory'), { auth: staffAuth }) },
  {
    name: 'PUT /api/admin/directory',
    weight: 5,
    kind: 'directory-put',
    plan: write('PUT', seg('admin', 'directory'), validBodies.directory, { auth: staffAuth }),
  },
  { name: 'POST /api/sessions', weight: 3, kind: 'plain', plan: write('POST', seg('sessions'), validBodies.session, { auth: staffAuth }) },
  { name: 'GET /api/sessions', weight: 2, kind: 'plain', plan: get(seg('sessions'), { auth: staffAuth, query: sessionQuery }) },
  { name: 'GET /api/sessions/{code}', weight: 2, kind: 'plain', plan: get(seg('sessions', sessionParam), { auth: staffAuth }) },
  {
    name: 'PATCH /api/sessions/{code}',
    weight: 3,
    kind: 'plain',
    plan: write('PATCH', seg('sessions', sessionParam), validBodies.sessionPatch, { auth: staffAuth, ifMatch: true }),
  },
  { name: 'GET /api/public/sessions/{code}', weight: 3, kind: 'plain', plan: get(seg('public', 'sessions', sessionParam), { auth: noAuth, key: true }) },
  {
    name: 'POST /api/public/sessions/{code}/ratings',
    weight: 4,
    kind: 'plain',
    plan: write('POST', seg('public', 'sessions', sessionParam, 'ratings'), validBodies.sessionRating, { auth: noAuth, key: true }),
  },
  {
    // Never the fixture session: records it took would be items the item-count checks do not expect.
    name: 'POST /api/sessions/{code}/records',
    weight: 3,
    kind: 'plain',
    plan: write('POST', seg('sessions', pathParam, 'records'), validBodies.records, { auth: staffAuth }),
  },
  { name: 'GET /api/sessions/{code}/summary', weight: 2, kind: 'plain', plan: get(seg('sessions', sessionParam, 'summary'), { auth: staffAuth }) },
  { name: 'GET /api/public/answers', weight: 3, kind: 'plain', plan: get(seg('public', 'answers'), { auth: noAuth, query: answersQuery }) },
  { name: 'GET /api/public/answers/similar', weight: 3, kind: 'plain', plan: get(seg('public', 'answers', 'similar'), { auth: noAuth, query: similarQuery }) },
  { name: 'POST /api/dev/token (local only)', weight: 3, kind: 'plain', plan: write('POST', seg('dev', 'token'), validBodies.devToken, { auth: noAuth }) },
  { name: 'GET /api/dev/outbox (local only)', weight: 1, kind: 'plain', plan: get(seg('dev', 'outbox'), { auth: noAuth }) },
  { name: 'no such route / method', weight: 4, kind: 'plain', plan: unknownRoute },
];

/** The total split by weight, every endpoint at least once, summing exactly to totalRuns. */
const runsFor = (() => {
  const sum = endpoints.reduce((s, e) => s + e.weight, 0);
  const runs = endpoints.map((e) => Math.max(1, Math.floor((totalRuns * e.weight) / sum)));
  let left = totalRuns - runs.reduce((s, n) => s + n, 0);
  for (let i = 0; left > 0; i = (i + 1) % runs.length, left--) runs[i]++;
  for (let i = runs.length - 1; left < 0; i = (i - 1 + runs.length) % runs.length) if (runs[i] > 1) (runs[i]--, left++);
  return new Map(endpoints.map((e, i) => [e.name, runs[i]]));
})();

const demoJson = JSON.stringify(demoDirectory);

const isReceipt = (text: string): boolean => {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return typeof json.trackingCode === 'string' && typeof json.accessKey === 'string';
  } catch {
    return false;
  }
};

const runCase = async (endpoint: Endpoint, plan: Plan) => {
  const built = build(plan);
  const call = () => send(built.wire);
  let answer: Answer;
  if (endpoint.kind === 'item-write') {
    answer = await guardItem(built, call);
  } else if (endpoint.kind === 'directory-put') {
    const { getDirectory, putDirectory } = await data();
    const before = JSON.stringify(await getDirectory(stack.deps));
    answer = await call();
    if (answer.status >= 400 && JSON.stringify(await getDirectory(stack.deps)) !== before) {
      throw new Error(`a refused directory changed the directory:\n${describeCase(built.wire, answer)}`);
    }
    // An accepted directory replaces the demo one: put the demo back, so later cases route as before.
    if (answer.status < 300 && JSON.stringify(await getDirectory(stack.deps)) !== demoJson) {
      await putDirectory(stack.deps, demoDirectory);
      // Written behind the handlers' back: this process's cached copy must not outlive it.
      (await import('../../shared/services/directory')).forgetDirectory(stack.deps);
    }
  } else {
    answer = await call();
  }
  checkAnswer(built.wire, answer);
  const contentType = String(answer.headers['content-type'] ?? '').split(';')[0].trim();
  const againstDocument = await disagreement({ ...built.wire, status: answer.status, contentType, text: answer.text });
  if (againstDocument) throw new Error(`the OpenAPI document disagrees: ${againstDocument}\n${describeCase(built.wire, answer)}`);
  // What an accepted write stored may come back in later answers (lists, views, exports).
  if (answer.status < 300 && plan.method !== 'GET') for (const echo of caseEchoes) storedEchoes.add(echo);
  if (endpoint.kind === 'submission') await afterSubmission(built, answer);
  // A generated "no such route" can hit the real one (POST /api/submissions, a valid body): the
  // item it stored is then booked like any other, or the final count would call it a leak.
  else if (answer.status === 201 && isReceipt(answer.text)) await afterSubmission(built, answer);
  return answer;
};

// ---------------------------------------------------------------------------------------------

const statusTally = new Map<string, Map<number, number>>();
const timings: string[] = [];
const started = performance.now();

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
  await makeTokens();
  await makeFixtures();
  ledger.expectedItems = await countItems();
  expect(ledger.expectedItems).toBe(fixtures.length);
});

afterAll(async () => {
  agent.destroy();
  const lines = [...statusTally].map(([name, tally]) => `  ${name}: ${[...tally].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  console.log(
    `fuzz: ${totalRuns} cases${seed === undefined ? '' : ` (seed ${seed})`} in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${ledger.created.size} items created, ${ledger.countChecks} item counts checked\n${timings.join('\n')}\n${lines.join('\n')}`,
  );
  await stack?.stop();
});

describe('the invariants catch what they are there for', () => {
  const wire: Wire = { method: 'POST', path: '/api/x', headers: {} };
  const answer = (status: number, body: unknown, contentType = 'application/problem+json; charset=utf-8'): Answer => ({
    status,
    headers: { 'content-type': contentType },
    text: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const problem = (status: number, extra: Record<string, unknown> = {}) => ({ type: 'about:blank', title: 'x', status, ...extra });

  it('a 5xx, an error that is not problem+json, a status that does not match, a leak, the table name', () => {
    caseEchoes = new Set();
    expect(() => checkAnswer(wire, answer(500, problem(500)))).toThrow(/a 500/);
    expect(() => checkAnswer(wire, answer(400, '<h1>Bad Request</h1>', 'text/html'))).toThrow(/not problem\+json/);
    expect(() => checkAnswer(wire, answer(400, '', 'application/problem+json'))).toThrow(/not JSON/);
    expect(() => checkAnswer(wire, answer(404, problem(400)))).toThrow(/status is not the HTTP status/);
    expect(() => checkAnswer(wire, answer(400, problem(400, { detail: 'TypeError: x at Object.<anonymous> (/a/b.ts:1:2)' })))).toThrow(/a leak/);
    expect(() => checkAnswer(wire, answer(400, problem(400, { detail: 'ConditionalCheckFailedException' })))).toThrow(/a leak/);
    expect(() => checkAnswer(wire, answer(200, { items: [{ accessKeyHash: 'x' }] }, 'application/json'))).toThrow(/internal attribute/);
    expect(() => checkAnswer(wire, answer(200, { note: `in ${stack.tableName}` }, 'application/json'))).toThrow(/table name/);
  });

  it('but not an echo of what the client itself sent (an unknown field named pk)', () => {
    caseEchoes = new Set();
    const body = problem(400, { errors: [{ path: 'pk', message: 'Unknown field.' }] });
    expect(() => checkAnswer(wire, answer(400, body))).toThrow(/a leak/);
    noteSent({ pk: 1 });
    expect(() => checkAnswer(wire, answer(400, body))).not.toThrow();
    caseEchoes = new Set();
  });
});

describe(`fuzzing every endpoint (${totalRuns} cases)`, () => {
  for (const endpoint of endpoints) {
    const numRuns = runsFor.get(endpoint.name)!;
    // Generous: a slow machine, shrinking after a failure. About 10-30 ms a case in practice.
    it(`${endpoint.name}: ${numRuns} cases`, { timeout: 60_000 + numRuns * 250 }, async () => {
      const t0 = performance.now();
      const tally = new Map<number, number>();
      statusTally.set(endpoint.name, tally);
      await fc.assert(
        fc.asyncProperty(endpoint.plan, async (plan) => {
          const answer = await runCase(endpoint, plan);
          tally.set(answer.status, (tally.get(answer.status) ?? 0) + 1);
        }),
        { numRuns, ...(seed === undefined ? {} : { seed }) },
      );
      if (endpoint.kind === 'submission') await expectCount('after the submissions', () => endpoint.name);
      timings.push(`  ${endpoint.name}: ${numRuns} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
  }

  it('stored nothing it did not acknowledge: the item count is what the 201s add up to', async () => {
    expect(await countItems()).toBe(ledger.expectedItems);
    expect(ledger.created.size).toBeGreaterThan(0);
  });
});
