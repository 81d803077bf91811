/**
 * The deployed policies against what the handlers really do. DynamoDB Local evaluates no IAM, so
 * this test does it: it records every request the handlers send while an item goes through its
 * life over HTTP (submission with an Idempotency-Key, replay, follow-up, rating; the staff's lists,
 * actions, dashboard, export and directory; a sweep), and checks each against the statements the
 * synthesised stack gives that handler's function (infra/bind-table.ts): the action, the table or
 * the index, and the dynamodb:LeadingKeys condition on the request's partition keys. A route that
 * touches a key space it does not declare (shared/routes.ts RouteData) fails here, not deployed.
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { intercept } from '../../shared/data/middleware';
import { commitBarrierKey } from '../../shared/data/keys';
import { routeKey, routes } from '../../shared/routes';
import { scheduleWorker } from '../../shared/workers';
import { YijianStack } from '../../infra/yijian-stack';
import { solveProof } from '../support/proof';
import { pngImage, uploadAttachment } from '../support/attachments';
import { api, startTestStack, type Api } from '../support/stack';
import { OWN, ownUnit, people, type Person } from '../support/staff-people';

// The public writes count their clients here (the rate-limit windows are a key space of their own).
process.env.YIJIAN_RATE_LIMIT = '100/600';
process.env.YIJIAN_CHALLENGE_COST = '1';

type Doc = Record<string, any>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string[]>> };
/** One authorisation DynamoDB makes for a request: the action, the table or `index/<name>`, the partition keys. */
interface Check {
  readonly action: string;
  readonly resource: string;
  readonly keys: string[];
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The partition key a Query names: `pk = :value` in its key condition. */
const queriedPk = (input: Doc): string[] => {
  const name = /(?:^|\s)(#?\w+)\s*=\s*(:\w+)/.exec(String(input.KeyConditionExpression ?? ''));
  return name ? [String(input.ExpressionAttributeValues?.[name[2]!])] : [];
};

/** What DynamoDB authorises for one request (a transaction or a batch: each of its items). */
const checksOf = (operation: string, input: Doc): Check[] => {
  const table = (entry: Doc) => (entry.IndexName ? `index/${entry.IndexName}` : 'table');
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ action: operation, resource: 'table', keys: [input.Key.pk] }];
    case 'PutItem':
      return [{ action: operation, resource: 'table', keys: [input.Item.pk] }];
    case 'Query':
      // On an index, the key condition names the index's partition key, not the table's.
      return [{ action: 'Query', resource: table(input), keys: input.IndexName ? [] : queriedPk(input) }];
    case 'TransactWriteItems':
      return (input.TransactItems as Doc[]).map((entry) =>
        entry.Put
          ? { action: 'PutItem', resource: 'table', keys: [entry.Put.Item.pk] }
          : entry.Update
            ? { action: 'UpdateItem', resource: 'table', keys: [entry.Update.Key.pk] }
            : entry.Delete
              ? { action: 'DeleteItem', resource: 'table', keys: [entry.Delete.Key.pk] }
              : { action: 'ConditionCheckItem', resource: 'table', keys: [entry.ConditionCheck.Key.pk] },
      );
    case 'TransactGetItems':
      return (input.TransactItems as Doc[]).map((entry) => ({ action: 'GetItem', resource: 'table', keys: [entry.Get.Key.pk] }));
    case 'BatchGetItem':
      return Object.values(input.RequestItems as Record<string, Doc>).map((entry) => ({
        action: 'BatchGetItem',
        resource: 'table',
        keys: (entry.Keys as Doc[]).map((key) => key.pk),
      }));
    case 'BatchWriteItem':
      return Object.values(input.RequestItems as Record<string, Doc[]>).map((requests) => ({
        action: 'BatchWriteItem',
        resource: 'table',
        keys: requests.map((r) => (r.PutRequest ? r.PutRequest.Item.pk : r.DeleteRequest.Key.pk)),
      }));
    default:
      return [{ action: operation, resource: 'table', keys: [] }];
  }
};

/** IAM StringLike: `*` any run of characters, `?` one character. */
const stringLike = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

let stack: LocalStack;
let http: Api;
let policies: Map<string, Statement[]>;
let tableArn: string;
/** The handler whose requests are being recorded; null: not recorded (setup, the stream workers). */
let recording: string | null = null;
const checks: { handler: string; operation: string; check: Check }[] = [];
const seen = new Set<string>();
let stopRecording: () => void;
const tokens: Partial<Record<Person, string>> = {};
let placeholder: string | undefined;

/** Each function's policy statements, from a stack synthesised without bundling (the same policies). */
const synthesisedPolicies = () => {
  const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const synthesised = new YijianStack(app, 'LeadingKeys');
  placeholder = synthesised.site.usesPlaceholder ? synthesised.site.pagesDir : undefined;
  const resources = Template.fromStack(synthesised).toJSON().Resources as Record<string, { Type: string; Properties: Doc }>;
  const byHandler = new Map<string, Statement[]>();
  for (const [handler, fn] of synthesised.functions) {
    const roleId = synthesised.getLogicalId(fn.role.node.defaultChild as CfnElement);
    byHandler.set(
      handler,
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: Doc) => ref.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]),
    );
  }
  return { byHandler, tableArn: JSON.stringify(synthesised.resolve(synthesised.table.tableArn)) };
};

const resourceOf = (resource: unknown): string | null => {
  const text = JSON.stringify(resource);
  if (text === tableArn) return 'table';
  const index = /"\/index\/([\w-]+)"/.exec(text);
  return index && text.includes(tableArn) ? `index/${index[1]}` : null;
};

/** Whether the handler's statements allow one check, as IAM evaluates an Allow-only policy. */
const allows = (handler: string, check: Check): boolean =>
  (policies.get(handler) ?? []).some((statement) => {
    if (statement.Effect !== 'Allow' || !asArray(statement.Action).includes(`dynamodb:${check.action}`)) return false;
    if (!asArray(statement.Resource).some((r) => resourceOf(r) === check.resource)) return false;
    const conditions = Object.entries(statement.Condition ?? {});
    return conditions.every(([operator, keys]) => {
      if (operator !== 'ForAllValues:StringLike' || Object.keys(keys).join() !== 'dynamodb:LeadingKeys') return false;
      return check.keys.every((key) => keys['dynamodb:LeadingKeys']!.some((pattern) => stringLike(pattern, key)));
    });
  });

const handlerOf = (method: string, path: string) => routes.find((r) => routeKey(r) === `${method} ${path}`)!.handler;

/** A request recorded as the requests of `route`'s handler. */
const as = async <T>(method: string, routePath: string, call: () => Promise<T>): Promise<T> => {
  recording = handlerOf(method, routePath);
  seen.add(recording);
  try {
    return await call();
  } finally {
    recording = null;
  }
};

const staff = (who: Person) => ({ authorization: `Bearer ${tokens[who]}` });

beforeAll(async () => {
  ({ byHandler: policies, tableArn } = synthesisedPolicies());
  stack = await startTestStack({ sweepIntervalSeconds: 0 });
  http = api(stack.url);
  for (const who of Object.keys(people) as Person[]) tokens[who] = await stack.issuer.issue(people[who]);
  stopRecording = intercept(stack.deps.db.client, async (operation, input, next) => {
    if (recording !== null && !stack.capacity.isBackground() && !(operation === 'GetItem' && (input as Doc).Key?.pk === commitBarrierKey.pk)) {
      for (const check of checksOf(operation, input)) checks.push({ handler: recording, operation, check });
    }
    return next(input);
  });
}, 60_000);

afterAll(async () => {
  stopRecording?.();
  await stack?.stop();
  if (placeholder) rmSync(placeholder, { recursive: true, force: true });
});

describe('the deployed policies allow what the handlers do, through an item\'s whole life', () => {
  it('for the public writes, the staff routes and the sweeper', async () => {
    await as('GET', '/api/form', () => http.get('/api/form'));
    const submission = { kind: 'question', title: '最小权限', body: '请答复。', anonymous: false, contact: { email: 'a@example.cn' }, unitId: ownUnit.id };
    const idem = { 'Idempotency-Key': 'leading-keys-0001' };
    const created = await as('POST', '/api/submissions', () => http.call('POST', '/api/submissions', { body: submission, headers: idem }));
    expect(created.status, created.text).toBe(201);
    const replayed = await as('POST', '/api/submissions', () => http.call('POST', '/api/submissions', { body: submission, headers: idem }));
    expect(replayed.json).toEqual(created.json);
    const { trackingCode: code, accessKey } = created.json as { trackingCode: string; accessKey: string };
    const key = { 'X-Access-Key': accessKey };
    const other = await as('POST', '/api/submissions', () => http.post('/api/submissions', { ...submission, anonymous: true, contact: undefined }));
    expect(other.status, other.text).toBe(201);
    // With a proof of work: the spent proof is written too (shared/data/room.ts).
    const proof = await as('GET', '/api/challenge', () => solveProof(http));
    const proven = await as('POST', '/api/submissions', () => http.post('/api/submissions', { ...submission, anonymous: true, contact: undefined }, { 'X-Altcha': proof }));
    expect(proven.status, proven.text).toBe(201);

    expect((await as('GET', '/api/submissions/{trackingCode}', () => http.get(`/api/submissions/${code}`, key))).status).toBe(200);
    const followUp = await as('POST', '/api/submissions/{trackingCode}/follow-ups', () => http.post(`/api/submissions/${code}/follow-ups`, { body: '补充' }, key));
    expect(followUp.status, followUp.text).toBe(201);

    // Attachments: uploaded (public, counted; staff, not counted), attached to a submission, a
    // follow-up and a reply, and fetched by key and by role (the pending uploads are a key space).
    const photo = await pngImage();
    const upload = (headers: Record<string, string> = {}) => as('POST', '/api/attachments', () => uploadAttachment(http, { fileName: 'a.png', contentType: 'image/png' }, photo, headers));
    const [first, second] = [await upload(), await upload()];
    const withPhoto = await as('POST', '/api/submissions', () => http.post('/api/submissions', { ...submission, anonymous: true, contact: undefined, attachmentIds: [first.id] }));
    expect(withPhoto.status, withPhoto.text).toBe(201);
    const photoKey = { 'X-Access-Key': withPhoto.json.accessKey };
    const photoFollowUp = await as('POST', '/api/submissions/{trackingCode}/follow-ups', () =>
      http.post(`/api/submissions/${withPhoto.json.trackingCode}/follow-ups`, { body: '再补一张', attachmentIds: [second.id] }, photoKey),
    );
    expect(photoFollowUp.status, photoFollowUp.text).toBe(201);
    const staffPhoto = await upload(staff('office'));
    const photoReply = await as('POST', '/api/items/{id}/replies', () =>
      http.call('POST', `/api/items/${withPhoto.json.trackingCode}/replies`, { body: { body: '现场照片', visibility: 'public', attachmentIds: [staffPhoto.id] }, headers: staff('office') }),
    );
    expect(photoReply.status, photoReply.text).toBe(201);
    const ownPhoto = (await http.get(`/api/submissions/${withPhoto.json.trackingCode}`, photoKey)).json.attachments[0].id as string;
    const byKey = await as('GET', '/api/submissions/{trackingCode}/attachments/{attachmentId}', () =>
      http.get(`/api/submissions/${withPhoto.json.trackingCode}/attachments/${ownPhoto}`, { ...photoKey, accept: 'application/json' }),
    );
    expect(byKey.status, byKey.text).toBe(200);
    const byRole = await as('GET', '/api/items/{id}/attachments/{attachmentId}', () =>
      http.get(`/api/items/${withPhoto.json.trackingCode}/attachments/${staffPhoto.id}`, { ...staff('own'), accept: 'application/json' }),
    );
    expect(byRole.status, byRole.text).toBe(200);

    for (const query of ['', `?groupId=${OWN}`, `?unitId=${ownUnit.id}`, '?status=assigned', `?groupId=${OWN}&status=assigned`]) {
      const list = await as('GET', '/api/items', () => http.get(`/api/items${query}`, staff('office')));
      expect(list.status, `${query} ${list.text}`).toBe(200);
    }
    expect((await as('GET', '/api/items', () => http.get('/api/items', staff('own')))).status).toBe(200);
    expect((await as('GET', '/api/items/{id}', () => http.get(`/api/items/${code}`, staff('office')))).status).toBe(200);
    const assigned = await as('POST', '/api/items/{id}/assign', () => http.call('POST', `/api/items/${code}/assign`, { body: { groupId: OWN }, headers: staff('office') }));
    expect(assigned.status, assigned.text).toBe(200);
    const extension = await as('POST', '/api/items/{id}/extension', () =>
      http.call('POST', `/api/items/${code}/extension`, { body: { workingDays: 2, reason: '需协调' }, headers: staff('own') }),
    );
    expect(extension.status, extension.text).toBe(201);
    const decided = await as('POST', '/api/items/{id}/extension/decision', () =>
      http.call('POST', `/api/items/${code}/extension/decision`, { body: { approve: true }, headers: staff('office') }),
    );
    expect(decided.status, decided.text).toBe(200);
    const plan = { unitId: ownUnit.id, measures: '建立制度。', standard: '制度印发。', deadline: '2099-12-31' };
    const planned = await as('PUT', '/api/items/{id}/rectification', () =>
      http.call('PUT', `/api/items/${code}/rectification`, { body: plan, headers: { ...staff('own'), 'if-match': decided.headers.get('etag')! } }),
    );
    expect(planned.status, planned.text).toBe(200);
    const progress = await as('POST', '/api/items/{id}/rectification/progress', () =>
      http.call('POST', `/api/items/${code}/rectification/progress`, { body: { note: '已完成。', done: true }, headers: staff('own') }),
    );
    expect(progress.status, progress.text).toBe(201);
    const verified = await as('POST', '/api/items/{id}/rectification/verification', () =>
      http.call('POST', `/api/items/${code}/rectification/verification`, { body: { outcome: 'verified', note: '整改到位。' }, headers: staff('own') }),
    );
    expect(verified.status, verified.text).toBe(200);
    for (const query of ['', `?groupId=${OWN}`, `?unitId=${ownUnit.id}`, '?status=verified', `?groupId=${OWN}&status=verified`, '?overdue=true']) {
      const ledger = await as('GET', '/api/rectifications', () => http.get(`/api/rectifications${query}`, staff('office')));
      expect(ledger.status, `${query} ${ledger.text}`).toBe(200);
    }
    const replied = await as('POST', '/api/items/{id}/replies', () =>
      http.call('POST', `/api/items/${code}/replies`, { body: { body: '已办理。', visibility: 'public' }, headers: staff('own') }),
    );
    expect(replied.status, replied.text).toBe(201);
    const rated = await as('POST', '/api/submissions/{trackingCode}/rating', () => http.post(`/api/submissions/${code}/rating`, { satisfaction: 'satisfied' }, key));
    expect(rated.status, rated.text).toBe(200);
    // Answers everyone may read: published, read by everyone, withdrawn.
    const publication = { title: '最小权限公开答复', question: '改写的问题', answer: '改写的答复' };
    const published = await as('POST', '/api/items/{id}/publication', () => http.call('POST', `/api/items/${code}/publication`, { body: publication, headers: staff('office') }));
    expect(published.status, published.text).toBe(201);
    expect((await as('GET', '/api/public/answers', () => http.get('/api/public/answers?q=%E7%AD%94%E5%A4%8D'))).status).toBe(200);
    expect((await as('GET', '/api/public/answers/similar', () => http.get('/api/public/answers/similar?text=%E6%94%B9%E5%86%99'))).status).toBe(200);
    const withdrawn = await as('DELETE', '/api/items/{id}/publication', () => http.call('DELETE', `/api/items/${code}/publication`, { headers: staff('office') }));
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const merged = await as('POST', '/api/items/{id}/transition', () =>
      http.call('POST', `/api/items/${other.json.trackingCode}/transition`, { body: { action: 'merge', targetId: code }, headers: staff('office') }),
    );
    expect(merged.status, merged.text).toBe(200);

    await stack.drainTally();
    expect((await as('GET', '/api/dashboard', () => http.get('/api/dashboard', staff('office')))).status).toBe(200);
    expect((await as('GET', '/api/practices', () => http.get('/api/practices', staff('office')))).status).toBe(200);
    const exported = await as('GET', '/api/exports/items.csv', () => http.get('/api/exports/items.csv', staff('office')));
    expect(exported.status, exported.text).toBe(200);
    const directory = await as('GET', '/api/admin/directory', () => http.get('/api/admin/directory', staff('office')));
    expect(directory.status).toBe(200);
    const saved = await as('PUT', '/api/admin/directory', () => http.call('PUT', '/api/admin/directory', { body: directory.json, headers: staff('office') }));
    expect(saved.status, saved.text).toBe(200);

    // The office's kept notices (none is kept here: a redrive or a discard of an unknown one is a 404
    // after its read, which is what is checked).
    expect((await as('GET', '/api/admin/notices', () => http.get('/api/admin/notices', staff('office')))).status).toBe(200);
    const redrive = await as('POST', '/api/admin/notices/{id}/redrive', () => http.call('POST', '/api/admin/notices/no-such-notice/redrive', { headers: staff('office') }));
    expect(redrive.status, redrive.text).toBe(404);
    const discard = await as('DELETE', '/api/admin/notices/{id}', () => http.call('DELETE', '/api/admin/notices/no-such-notice', { headers: staff('office') }));
    expect(discard.status, discard.text).toBe(404);

    // A training session: created, listed, read, edited; its page, a rating, a submission through
    // its link; the items of the session listed and exported.
    const session = await as('POST', '/api/sessions', () => http.post('/api/sessions', { title: '最小权限培训', startsAt: '2026-12-08T01:30:00.000Z', groupId: OWN }, staff('office')));
    expect(session.status, session.text).toBe(201);
    const { code: sessionCode, joinKey } = session.json as { code: string; joinKey: string };
    expect((await as('GET', '/api/sessions', () => http.get('/api/sessions?from=2026-12-01', staff('own')))).status).toBe(200);
    expect((await as('GET', '/api/sessions/{code}', () => http.get(`/api/sessions/${sessionCode}`, staff('own')))).status).toBe(200);
    const edited = await as('PATCH', '/api/sessions/{code}', () => http.call('PATCH', `/api/sessions/${sessionCode}`, { body: { place: '礼堂' }, headers: { ...staff('own'), 'if-match': '"1"' } }));
    expect(edited.status, edited.text).toBe(200);
    const sessionKey = { 'X-Session-Key': joinKey };
    expect((await as('GET', '/api/public/sessions/{code}', () => http.get(`/api/public/sessions/${sessionCode}`, sessionKey))).status).toBe(200);
    const ratedSession = await as('POST', '/api/public/sessions/{code}/ratings', () => http.post(`/api/public/sessions/${sessionCode}/ratings`, { score: 5 }, sessionKey));
    expect(ratedSession.status, ratedSession.text).toBe(201);
    const fromRoom = await as('POST', '/api/submissions', () => http.post('/api/submissions', { ...submission, anonymous: true, contact: undefined, session: { code: sessionCode, key: joinKey } }));
    expect(fromRoom.status, fromRoom.text).toBe(201);
    expect((await as('GET', '/api/items', () => http.get(`/api/items?sessionCode=${sessionCode}`, staff('own')))).status).toBe(200);
    expect((await as('GET', '/api/exports/items.csv', () => http.get(`/api/exports/items.csv?sessionCode=${sessionCode}`, staff('office')))).status).toBe(200);
    // The spreadsheet reads the item records and the public replies' event rows too.
    expect((await as('GET', '/api/exports/items.xlsx', () => http.get('/api/exports/items.xlsx', staff('office')))).status).toBe(200);
    expect((await as('GET', '/api/exports/rectifications.xlsx', () => http.get('/api/exports/rectifications.xlsx', staff('office')))).status).toBe(200);
    expect((await as('GET', '/api/exports/items.xlsx', () => http.get(`/api/exports/items.xlsx?sessionCode=${sessionCode}`, staff('office')))).status).toBe(200);
    // The report: the dashboard (counters, and for a period the items and their records), lists, sessions, practices.
    expect((await as('GET', '/api/reports/summary', () => http.get('/api/reports/summary', staff('office')))).status).toBe(200);
    expect((await as('GET', '/api/reports/summary', () => http.get('/api/reports/summary?from=2020-01-01&to=2099-12-31', staff('office')))).status).toBe(200);
    expect((await as('GET', '/api/dashboard', () => http.get('/api/dashboard?from=2020-01-01', staff('office')))).status).toBe(200);
    const recorded = await as('POST', '/api/sessions/{code}/records', () =>
      http.post(`/api/sessions/${sessionCode}/records`, { entries: [{ kind: 'question', title: '会上', body: '提问', answer: '答复' }, { kind: 'problem', title: '会上', body: '反映', unitId: ownUnit.id }] }, staff('own')),
    );
    expect(recorded.status, recorded.text).toBe(201);
    expect((await as('GET', '/api/sessions/{code}/summary', () => http.get(`/api/sessions/${sessionCode}/summary`, staff('own')))).status).toBe(200);
    expect((await as('GET', '/api/dashboard', () => http.get(`/api/dashboard?sessionCode=${sessionCode}`, staff('own')))).status).toBe(200);

    // The sweeper, on items it has work for: one answered long ago (auto-close) and one overdue.
    const answered = await http.post('/api/submissions', { ...submission, anonymous: true, contact: undefined });
    await http.call('POST', `/api/items/${answered.json.trackingCode}/replies`, { body: { body: '答复', visibility: 'public' }, headers: staff('own') });
    stack.clock.advance(400 * 86_400_000);
    recording = scheduleWorker.handler;
    seen.add(recording);
    const swept = await stack.sweep().finally(() => {
      recording = null;
    });
    expect(swept.autoClosed + swept.overdue).toBeGreaterThan(0);

    // Every route's handler was exercised, but those that touch no table (the OpenAPI document, the room's challenge).
    const touchesTable = (r: (typeof routes)[number]) => [...(r.data.read ?? []), ...(r.data.write ?? []), ...(r.data.indexes ?? [])].length > 0;
    const exercised = new Set(routes.filter(touchesTable).map((r) => r.handler));
    expect([...exercised].filter((h) => !seen.has(h))).toEqual([]);
    expect(checks.length).toBeGreaterThan(30);
    const denied = checks.filter(({ handler, check }) => !allows(handler, check)).map(({ handler, operation, check }) => `${handler} ${operation}: ${check.action} on ${check.resource} ${check.keys.join(',')}`);
    expect([...new Set(denied)]).toEqual([]);
  }, 120_000);

  it('and would deny what they must not do', () => {
    // The evaluator is not vacuous: a public write may not touch the directory or the counters.
    expect(allows('create-submission', { action: 'PutItem', resource: 'table', keys: ['DIRECTORY'] })).toBe(false);
    expect(allows('create-follow-up', { action: 'UpdateItem', resource: 'table', keys: ['COUNTERS'] })).toBe(false);
    expect(allows('rate-submission', { action: 'Query', resource: 'index/gsi1', keys: [] })).toBe(false);
    expect(allows('assign-item', { action: 'PutItem', resource: 'table', keys: ['DIRECTORY'] })).toBe(false);
    expect(allows('put-directory', { action: 'PutItem', resource: 'table', keys: ['DIRECTORY'] })).toBe(true);
    expect(allows('create-submission', { action: 'PutItem', resource: 'table', keys: ['ITEM#YJ-1'] })).toBe(true);
  });
});
