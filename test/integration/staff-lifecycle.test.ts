import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../shared/domain/calendar';
import { demoDirectory } from '../../shared/demo/directory';
import { calendarOf } from '../../shared/services/directory';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api, type ApiResponse as Response } from '../support/stack';
import { OTHER, OWN, ownUnit, people, type Person } from '../support/staff-people';

/**
 * An item's life through HTTP only: the submitter with the public API (code + access key), staff
 * with the staff API. Every step checks the status, the version, the history and the ETag; every
 * action the status does not allow is a 409 that changes nothing. Last, the office's directory:
 * PUT, its validation, and routing that follows it at once.
 */

let stack: LocalStack;
let http: Api;

const ownGroupName = demoDirectory.groups.find((g) => g.id === OWN)!.name;
const calendar = calendarOf(demoDirectory);

const tokens: Partial<Record<Person, string>> = {};

const as = (who: Person) => {
  const auth = () => ({ authorization: `Bearer ${tokens[who]}` });
  return {
    get: (path: string) => http.call('GET', path, { headers: auth() }),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) => http.call('POST', path, { body, headers: { ...auth(), ...headers } }),
    put: (path: string, body: unknown) => http.call('PUT', path, { body, headers: auth() }),
  };
};

const expectProblem = (response: Response, status: number) => {
  expect(response.status, response.text.slice(0, 300)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(response.text).not.toMatch(leakPattern);
};

interface Receipt {
  trackingCode: string;
  accessKey: string;
  status: string;
  dueAt?: string;
}

const submit = async (body: Record<string, unknown> = {}): Promise<Receipt> => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '生命周期', body: '请答复。', anonymous: true, unitId: ownUnit.id, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json;
};

/** The submitter's side. */
const submitter = (receipt: Receipt) => {
  const key = { 'X-Access-Key': receipt.accessKey };
  const base = `/api/submissions/${receipt.trackingCode}`;
  return {
    view: () => http.get(base, key),
    rate: (satisfaction: string, comment?: string) => http.post(`${base}/rating`, { satisfaction, ...(comment ? { comment } : {}) }, key),
    followUp: (body: string) => http.post(`${base}/follow-ups`, { body }, key),
  };
};

/** The item as the office sees it, checked for the invariants every staff view must keep. */
const item = async (id: string, who: Person = 'office') => {
  const r = await as(who).get(`/api/items/${id}`);
  expect(r.status, r.text).toBe(200);
  expect(r.headers.get('etag')).toBe(`"${r.json.version}"`);
  // One history entry per version, appended in order.
  expect(r.json.history).toHaveLength(r.json.version);
  return r.json;
};

const state = async (id: string) => {
  const v = await item(id);
  return { status: v.status, version: v.version, history: v.history, replies: v.replies, followUps: v.followUps, groupId: v.groupId, dueAt: v.dueAt, recommended: v.recommended };
};

const reply = (id: string, body: string, visibility: 'public' | 'internal', who: Person = 'own', headers: Record<string, string> = {}) =>
  as(who).post(`/api/items/${id}/replies`, { body, visibility }, headers);
const transition = (id: string, body: Record<string, unknown>, who: Person = 'office', headers: Record<string, string> = {}) =>
  as(who).post(`/api/items/${id}/transition`, body, headers);
const assign = (id: string, groupId: string, headers: Record<string, string> = {}) => as('office').post(`/api/items/${id}/assign`, { groupId }, headers);

const listIds = async (who: Person, query: string) => {
  const r = await as(who).get(`/api/items?${query}&limit=100`);
  expect(r.status, r.text).toBe(200);
  return r.json.items.map((row: { id: string }) => row.id) as string[];
};

beforeAll(async () => {
  stack = await startTestStack();
  http = api(stack.url);
  for (const who of Object.keys(people) as Person[]) tokens[who] = await stack.issuer.issue(people[who]);
  // The fixtures' precondition: no demo rule diverts a `question` or `practice` of ownUnit.
  for (const { when } of demoDirectory.rules) {
    const catches = (kind: string) =>
      (when.kind === undefined || when.kind === kind) && (when.unitId === undefined || when.unitId === ownUnit.id) && (when.system === undefined || when.system === ownUnit.system);
    expect(catches('question') || catches('practice')).toBe(false);
  }
});
afterAll(async () => {
  await stack?.stop();
});

describe('the full lifecycle', () => {
  it('routed → note → reply → unsatisfied → reopened → start → reply → satisfied → closed', async () => {
    const contact = { name: '李四', email: 'lisi@example.com' };
    const receipt = await submit({ anonymous: false, contact });
    const code = receipt.trackingCode;
    const me = submitter(receipt);
    expect(receipt.status).toBe('assigned');

    // Routed.
    let v = await item(code, 'own');
    expect(v).toMatchObject({ id: code, trackingCode: code, status: 'assigned', groupId: OWN, unitId: ownUnit.id, version: 1, contact, replies: [], followUps: [] });
    expect(v.history[0]).toMatchObject({ action: expect.any(String), to: 'assigned' });
    expect(v.dueAt).toBe(receipt.dueAt);

    // An internal note: no status change, a version and a history entry, never shown to the submitter.
    const note = '内部备注：请联系区委办核实情况，勿对外。';
    let r = await reply(code, note, 'internal');
    expect(r.status, r.text).toBe(201);
    expect(r.json.id).toEqual(expect.any(String));
    v = await item(code, 'own');
    expect(v).toMatchObject({ status: 'assigned', version: 2 });
    expect(v.replies).toEqual([{ id: r.json.id, body: note, visibility: 'internal', by: { sub: people.own.sub, name: people.own.name }, createdAt: expect.any(String) }]);
    expect(v.history[1]).toMatchObject({ by: { sub: people.own.sub }, from: 'assigned', to: 'assigned' });
    let pub = await me.view();
    expect(pub.status).toBe(200);
    expect(pub.json).toMatchObject({ status: 'assigned', replies: [] });
    expect(pub.text).not.toContain(note);
    expect(pub.text).not.toContain(people.own.name);
    expect(pub.text).not.toContain(contact.email);

    // A public reply answers it and reaches the submitter, signed by the group.
    const answer1 = '已安排下周补课，请留意通知。';
    r = await reply(code, answer1, 'public');
    expect(r.status, r.text).toBe(201);
    v = await item(code, 'own');
    expect(v).toMatchObject({ status: 'answered', version: 3 });
    expect(v.history[2]).toMatchObject({ from: 'assigned', to: 'answered' });
    expect(v.replies.map((x: { visibility: string }) => x.visibility)).toEqual(['internal', 'public']);
    pub = await me.view();
    expect(pub.json.status).toBe('answered');
    expect(pub.json.replies).toEqual([{ id: r.json.id, body: answer1, createdAt: expect.any(String), by: { groupName: ownGroupName } }]);
    expect(pub.text).not.toContain(note);
    expect(pub.text).not.toContain(people.own.sub);

    // Unsatisfied: reopened, back with the group on a new clock.
    r = await me.rate('unsatisfied', '补课时间与值班冲突。');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ status: 'reopened' });
    v = await item(code, 'own');
    expect(v).toMatchObject({ status: 'reopened', version: 4, satisfaction: 'unsatisfied', groupId: OWN });
    expect(v.history[3]).toMatchObject({ from: 'answered', to: 'reopened' });
    expect(v.dueAt).toBe(addWorkingDays(new Date(v.history[3].at), demoDirectory.sla.question, calendar).toISOString());
    expect((await me.view()).json.status).toBe('reopened');

    // Start.
    r = await transition(code, { action: 'start' }, 'own');
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('etag')).toBe('"5"');
    expect(r.json).toMatchObject({ status: 'in_progress', version: 5 });
    expect(r.json.history[4]).toMatchObject({ action: 'start', from: 'reopened', to: 'in_progress', by: { sub: people.own.sub } });

    // Reply again.
    const answer2 = '已调整为周六上午，另附录像。';
    r = await reply(code, answer2, 'public');
    expect(r.status).toBe(201);
    v = await item(code, 'own');
    expect(v).toMatchObject({ status: 'answered', version: 6 });
    expect(v.history[5]).toMatchObject({ from: 'in_progress', to: 'answered' });

    // Satisfied: closed.
    r = await me.rate('satisfied');
    expect(r.json).toEqual({ status: 'closed' });
    v = await item(code);
    expect(v).toMatchObject({ status: 'closed', version: 7, satisfaction: 'satisfied' });
    expect(v.history.map((h: { from?: string; to?: string }) => [h.from, h.to])).toEqual([
      [undefined, 'assigned'],
      ['assigned', 'assigned'],
      ['assigned', 'answered'],
      ['answered', 'reopened'],
      ['reopened', 'in_progress'],
      ['in_progress', 'answered'],
      ['answered', 'closed'],
    ]);
    const times = v.history.map((h: { at: string }) => h.at);
    expect(times).toEqual([...times].sort());
    pub = await me.view();
    expect(pub.json).toMatchObject({ status: 'closed', satisfaction: 'satisfied' });
    expect(pub.json.replies.map((x: { body: string }) => x.body)).toEqual([answer1, answer2]);
    expect(pub.text).not.toContain(note);
  });

  it('the office closes an answered item; the submitter can then no longer rate it', async () => {
    const receipt = await submit();
    const code = receipt.trackingCode;
    expect((await reply(code, '答复', 'public', 'office')).status).toBe(201);
    const r = await transition(code, { action: 'close' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'closed', version: 3 });
    expect(r.json.history[2]).toMatchObject({ action: 'close', from: 'answered', to: 'closed' });
    const before = await state(code);
    expectProblem(await submitter(receipt).rate('satisfied'), 409);
    expect(await state(code)).toEqual(before);
  });
});

describe('reject', () => {
  it('needs a reason (400), which the submitter then reads as rejectedReason', async () => {
    const receipt = await submit();
    const code = receipt.trackingCode;
    const before = await state(code);
    for (const body of [{ action: 'reject' }, { action: 'reject', reason: '   ' }, { action: 'reject', reason: '' }]) {
      const r = await transition(code, body);
      expectProblem(r, 400);
      expect([...new Set(r.json.errors.map((e: { path: string }) => e.path))]).toEqual(['reason']);
    }
    expect(await state(code)).toEqual(before);

    const reason = '该事项不属于本次主题教育征集范围，请通过12345热线反映。';
    const r = await transition(code, { action: 'reject', reason });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'rejected', rejectedReason: reason, version: 2 });
    expect(r.json.history[1]).toMatchObject({ action: 'reject', from: 'assigned', to: 'rejected' });
    const pub = await submitter(receipt).view();
    expect(pub.json).toMatchObject({ status: 'rejected', rejectedReason: reason });
  });
});

describe('merge', () => {
  it('needs a targetId that exists and is not merged itself; the merged item names it publicly', async () => {
    const target = await submit({ title: '原始事项' });
    const dup = await submit({ title: '重复事项' });
    const other = await submit({ title: '另一重复事项' });
    const before = await state(dup.trackingCode);

    const missing = await transition(dup.trackingCode, { action: 'merge' });
    expectProblem(missing, 400);
    expect(missing.json.errors.map((e: { path: string }) => e.path)).toEqual(['targetId']);
    const unknown = await transition(dup.trackingCode, { action: 'merge', targetId: 'YJ-0000-0000' });
    expectProblem(unknown, 400);
    expect(unknown.json.errors.map((e: { path: string }) => e.path)).toEqual(['targetId']);
    expect(await state(dup.trackingCode)).toEqual(before);

    const r = await transition(dup.trackingCode, { action: 'merge', targetId: target.trackingCode });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'merged', mergedInto: target.trackingCode, version: 2 });
    expect(r.json.history[1]).toMatchObject({ action: 'merge', from: 'assigned', to: 'merged' });
    expect((await submitter(dup).view()).json).toMatchObject({ status: 'merged', mergedInto: { trackingCode: target.trackingCode, status: 'assigned', replies: [], canRate: false } });
    expect((await state(target.trackingCode)).status).toBe('assigned');

    // Into an item that is itself merged: 409, nothing changed.
    const otherBefore = await state(other.trackingCode);
    expectProblem(await transition(other.trackingCode, { action: 'merge', targetId: dup.trackingCode }), 409);
    expect(await state(other.trackingCode)).toEqual(otherBefore);
  });
});

describe('recommend', () => {
  it('is for practices only; a recommended practice is listed with its body until unrecommended', async () => {
    const question = await submit();
    const before = await state(question.trackingCode);
    expectProblem(await transition(question.trackingCode, { action: 'recommend' }), 409);
    expectProblem(await transition(question.trackingCode, { action: 'unrecommend' }, 'own'), 409);
    expect(await state(question.trackingCode)).toEqual(before);

    const body = '我们把“三会一课”搬到了车间班组，每周一次微党课，效果很好。';
    const practice = await submit({ kind: 'practice', title: '车间微党课', body });
    const code = practice.trackingCode;
    const listed = async () => {
      const r = await as('own').get('/api/practices');
      expect(r.status).toBe(200);
      return r.json.items.find((row: { id: string }) => row.id === code);
    };
    expect(await listed()).toBeUndefined();

    let r = await transition(code, { action: 'recommend' }, 'own');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ recommended: true, status: 'assigned', version: 2 });
    expect(await listed()).toMatchObject({ id: code, trackingCode: code, kind: 'practice', title: '车间微党课', body, recommended: true, version: 2 });

    r = await transition(code, { action: 'unrecommend' }, 'own');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ recommended: false, version: 3 });
    expect(r.json.history).toHaveLength(3);
    expect(await listed()).toBeUndefined();
  });

  it('works in any status, a closed practice included', async () => {
    const practice = await submit({ kind: 'practice' });
    const code = practice.trackingCode;
    expect((await reply(code, '感谢分享。', 'public')).status).toBe(201);
    expect((await transition(code, { action: 'close' })).status).toBe(200);
    const r = await transition(code, { action: 'recommend' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'closed', recommended: true, version: 4 });
    expect((await as('office').get('/api/practices')).json.items.map((row: { id: string }) => row.id)).toContain(code);
  });
});

describe('assign', () => {
  it('refuses an unknown group (400) and changes nothing', async () => {
    const { trackingCode: code } = await submit();
    const before = await state(code);
    const r = await assign(code, 'g99');
    expectProblem(r, 400);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['groupId']);
    expect(await state(code)).toEqual(before);
  });

  it('moves an item to another group: assigned, a fresh due date, between the group lists', async () => {
    const { trackingCode: code } = await submit({ title: '改派' });
    expect((await transition(code, { action: 'start' }, 'own')).status).toBe(200);
    expect(await listIds('office', `groupId=${OWN}`)).toContain(code);
    expect(await listIds('office', `groupId=${OTHER}`)).not.toContain(code);

    const r = await as('office').post(`/api/items/${code}/assign`, { groupId: OTHER, note: '属第二督导组联系单位' });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('etag')).toBe('"3"');
    expect(r.json).toMatchObject({ status: 'assigned', groupId: OTHER, version: 3 });
    const entry = r.json.history[2];
    expect(entry).toMatchObject({ action: 'assign', from: 'in_progress', to: 'assigned', by: { sub: people.office.sub } });
    expect(r.json.dueAt).toBe(addWorkingDays(new Date(entry.at), demoDirectory.sla.question, calendar).toISOString());

    expect(await listIds('office', `groupId=${OWN}`)).not.toContain(code);
    expect(await listIds('office', `groupId=${OTHER}`)).toContain(code);
    expect(await listIds('other', '')).toContain(code);
    expect(await listIds('own', '')).not.toContain(code);
    expectProblem(await as('own').get(`/api/items/${code}`), 404);
    expect((await as('other').get(`/api/items/${code}`)).status).toBe(200);
  });

  it('takes an item out of the office queue', async () => {
    const receipt = await submit({ unitId: undefined });
    expect(receipt.status).toBe('submitted');
    expect(receipt.dueAt).toBeUndefined();
    const code = receipt.trackingCode;
    expect(await listIds('office', 'status=submitted')).toContain(code);
    const r = await assign(code, 'g3');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'assigned', groupId: 'g3' });
    expect(r.json.dueAt).toBe(addWorkingDays(new Date(r.json.history[1].at), demoDirectory.sla.question, calendar).toISOString());
    expect(await listIds('office', 'status=submitted')).not.toContain(code);
    expect(await listIds('office', 'groupId=g3&status=assigned')).toContain(code);
    expect((await submitter(receipt).view()).json.group.id).toBe('g3');
  });
});

describe('If-Match', () => {
  it('a stale version is a 412 that changes nothing; the current one goes through', async () => {
    const { trackingCode: code } = await submit();
    const before = await state(code);
    expect(before.version).toBe(1);
    const stale = { 'If-Match': '"7"' };
    expectProblem(await reply(code, '过期版本', 'public', 'own', stale), 412);
    expectProblem(await reply(code, '过期版本', 'internal', 'own', stale), 412);
    expectProblem(await transition(code, { action: 'start' }, 'own', stale), 412);
    expectProblem(await transition(code, { action: 'reject', reason: '理由' }, 'office', stale), 412);
    expectProblem(await assign(code, OTHER, stale), 412);
    expect(await state(code)).toEqual(before);

    const etag = (await as('own').get(`/api/items/${code}`)).headers.get('etag')!;
    expect(etag).toBe('"1"');
    const note = await reply(code, '当前版本', 'internal', 'own', { 'If-Match': etag });
    expect(note.status, note.text).toBe(201);
    expect(note.headers.get('etag')).toBe('"2"');
    // The version just used is stale now.
    expectProblem(await transition(code, { action: 'start' }, 'own', { 'If-Match': etag }), 412);
    const started = await transition(code, { action: 'start' }, 'own', { 'If-Match': '"2"' });
    expect(started.status, started.text).toBe(200);
    expect(started.json).toMatchObject({ status: 'in_progress', version: 3 });
  });
});

/**
 * The state machine of API.md, written out independently of the implementation: for each action,
 * the statuses it is allowed from and the status it leaves. Every other (status, action) pair is a
 * 409 that changes nothing.
 */
const statuses = ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'] as const;
type Status = (typeof statuses)[number];
const open: Status[] = ['submitted', 'assigned', 'in_progress', 'reopened'];
type Action = 'assign' | 'reply' | 'start' | 'close' | 'reject' | 'merge' | 'rating' | 'follow-up';
const machine: Record<Action, { from: Status[]; to: (from: Status) => Status }> = {
  assign: { from: open, to: () => 'assigned' },
  reply: { from: open, to: () => 'answered' },
  start: { from: ['assigned', 'reopened'], to: () => 'in_progress' },
  close: { from: ['answered'], to: () => 'closed' },
  reject: { from: open, to: () => 'rejected' },
  merge: { from: open, to: () => 'merged' },
  rating: { from: ['answered'], to: () => 'closed' },
  'follow-up': { from: ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened'], to: (s) => (s === 'answered' || s === 'closed' ? 'reopened' : s) },
};
/** Pairs API.md leaves open: a second public reply on an already answered item. */
const unspecified = new Set(['answered:reply']);

/** A fresh item in `status`, reached through HTTP. */
const itemIn = async (status: Status): Promise<Receipt> => {
  const receipt = await submit(status === 'submitted' ? { unitId: undefined } : {});
  const code = receipt.trackingCode;
  const me = submitter(receipt);
  const ok = (r: Response) => expect(r.status, r.text).toBeLessThan(300);
  switch (status) {
    case 'submitted':
    case 'assigned':
      break;
    case 'in_progress':
      ok(await transition(code, { action: 'start' }));
      break;
    case 'answered':
      ok(await reply(code, '答复', 'public', 'office'));
      break;
    case 'closed':
      ok(await reply(code, '答复', 'public', 'office'));
      ok(await transition(code, { action: 'close' }));
      break;
    case 'reopened':
      ok(await reply(code, '答复', 'public', 'office'));
      ok(await me.rate('unsatisfied'));
      break;
    case 'rejected':
      ok(await transition(code, { action: 'reject', reason: '不予受理' }));
      break;
    case 'merged':
      ok(await transition(code, { action: 'merge', targetId: mergeTarget }));
      break;
  }
  expect((await state(code)).status).toBe(status);
  return receipt;
};

let mergeTarget: string;

const perform = (action: Action, receipt: Receipt) => {
  const code = receipt.trackingCode;
  switch (action) {
    case 'assign':
      return assign(code, OTHER);
    case 'reply':
      return reply(code, '答复', 'public', 'office');
    case 'start':
    case 'close':
      return transition(code, { action });
    case 'reject':
      return transition(code, { action, reason: '不予受理' });
    case 'merge':
      return transition(code, { action, targetId: mergeTarget });
    case 'rating':
      return submitter(receipt).rate('satisfied');
    case 'follow-up':
      return submitter(receipt).followUp('补充一句。');
  }
};

describe('the state machine, pair by pair', () => {
  beforeAll(async () => {
    mergeTarget = (await submit({ title: '合并目标' })).trackingCode;
  });

  for (const status of statuses) {
    for (const action of Object.keys(machine) as Action[]) {
      if (unspecified.has(`${status}:${action}`)) continue;
      const rule = machine[action];
      if (rule.from.includes(status)) {
        it(`${action} on ${status} → ${rule.to(status)}`, async () => {
          const receipt = await itemIn(status);
          const before = await state(receipt.trackingCode);
          const r = await perform(action, receipt);
          expect(r.status, r.text).toBeLessThan(300);
          const after = await state(receipt.trackingCode);
          expect(after.status).toBe(rule.to(status));
          expect(after.version).toBe(before.version + 1);
          expect(after.history.slice(0, -1)).toEqual(before.history);
        });
      } else {
        it(`${action} on ${status} → 409, nothing changed`, async () => {
          const receipt = await itemIn(status);
          const before = await state(receipt.trackingCode);
          expectProblem(await perform(action, receipt), 409);
          expect(await state(receipt.trackingCode)).toEqual(before);
          expect((await submitter(receipt).view()).json.status).toBe(status);
        });
      }
    }
  }
});

describe('GET/PUT /api/admin/directory', () => {
  let original: any;

  beforeAll(async () => {
    const r = await as('office').get('/api/admin/directory');
    expect(r.status).toBe(200);
    original = r.json;
    expect(original).toEqual(demoDirectory);
  });
  afterAll(async () => {
    // Leave the demo directory as it was for anything after this block.
    if (original) await as('office').put('/api/admin/directory', original);
  });

  it('replaces the directory: a renamed group shows on the dashboard and to the submitter', async () => {
    const receipt = await submit();
    const doc = structuredClone(original);
    doc.groups.find((g: { id: string }) => g.id === OWN).name = '第一督导组（调整后）';
    doc.units.find((u: { id: string }) => u.id === ownUnit.id).name = `${ownUnit.name}（更名）`;
    const r = await as('office').put('/api/admin/directory', doc);
    expect(r.status, r.text).toBe(200);
    expect((await as('office').get('/api/admin/directory')).json).toEqual(doc);
    const dashboard = await as('office').get('/api/dashboard');
    expect(dashboard.json.byGroup.find((g: { groupId: string }) => g.groupId === OWN).name).toBe('第一督导组（调整后）');
    const form = await http.get('/api/form');
    expect(form.json.units.find((u: { id: string }) => u.id === ownUnit.id).name).toBe(`${ownUnit.name}（更名）`);
    const pub = await submitter(receipt).view();
    expect(pub.json.group).toEqual({ id: OWN, name: '第一督导组（调整后）' });
    expect((await as('office').put('/api/admin/directory', original)).status).toBe(200);
  });

  it('lists every problem of a bad document in one 400 and keeps the stored one', async () => {
    const before = (await as('office').get('/api/admin/directory')).json;
    const doc = structuredClone(original);
    doc.units[1].id = doc.units[0].id; // duplicate unit id
    doc.units[2].groupId = 'g99'; // unknown group
    doc.rules[0].when.unitId = 'u999'; // rule naming an unknown unit
    doc.sla.question = 0; // SLA below one working day
    doc.holidays[0] = '2027-02-30'; // not a date
    const r = await as('office').put('/api/admin/directory', doc);
    expectProblem(r, 400);
    for (const e of r.json.errors) expect(e).toEqual({ path: expect.any(String), message: expect.any(String) });
    expect(r.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['units.1.id', 'units.2.groupId', 'rules.0.when.unitId', 'sla.question', 'holidays.0'].sort(),
    );
    expect((await as('office').get('/api/admin/directory')).json).toEqual(before);
  });

  it('routes the very next submission by the new rules', async () => {
    const doc = structuredClone(original);
    doc.rules = [{ when: { kind: 'suggestion' }, groupId: 'g4' }, ...doc.rules];
    expect((await as('office').put('/api/admin/directory', doc)).status).toBe(200);
    const suggestion = await submit({ kind: 'suggestion' });
    expect(suggestion.status).toBe('assigned');
    expect((await state(suggestion.trackingCode)).groupId).toBe('g4');
    expect((await submitter(suggestion).view()).json.group.id).toBe('g4');
    expect(suggestion.dueAt).toBe(addWorkingDays(new Date((await item(suggestion.trackingCode)).createdAt), demoDirectory.sla.suggestion, calendar).toISOString());
    // Other kinds of the same unit still follow the unit.
    expect((await state((await submit({ kind: 'question' })).trackingCode)).groupId).toBe(OWN);

    expect((await as('office').put('/api/admin/directory', original)).status).toBe(200);
    expect((await state((await submit({ kind: 'suggestion' })).trackingCode)).groupId).toBe(OWN);
  });
});
