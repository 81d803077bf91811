import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../shared/domain/calendar';
import { demoDirectory } from '../../shared/demo/directory';
import { calendarOf } from '../../shared/services/directory';
import { leakPattern, type ApiResponse } from '../support/stack';
import { useClockedStack } from '../support/clocked-stack';
import { OWN, ownUnit, people } from '../support/staff-people';

/**
 * Deadline extensions on the local stack (API.md v2, "Deadline extensions"): the group asks, the
 * office decides; the due date moves in working days from the current one; the submitter sees the
 * new date and the reason; the dashboard and the lists follow the moved due date.
 */

const env = useClockedStack();
const { as } = env;

/** Monday 7 December 2026, 10:00 in Shanghai: a question (5 working days) is due Monday 14 December. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const due0 = '2026-12-14T15:59:59.999Z';
const at10 = (date: string) => new Date(`${date}T10:00:00.000+08:00`);


const expectProblem = (r: ApiResponse, status: number) => {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.text).not.toMatch(leakPattern);
};

const submit = async () => {
  const r = await env.http.post('/api/submissions', { kind: 'question', title: '延期测试', body: '请答复。', anonymous: true, unitId: ownUnit.id });
  expect(r.status, r.text).toBe(201);
  expect(r.json.dueAt).toBe(due0);
  return r.json as { trackingCode: string; accessKey: string };
};
const item = async (code: string) => {
  const r = await as('office').get(`/api/items/${code}`);
  expect(r.status, r.text).toBe(200);
  return r.json;
};
const publicView = async (receipt: { trackingCode: string; accessKey: string }) => {
  const r = await env.http.get(`/api/submissions/${receipt.trackingCode}`, { 'X-Access-Key': receipt.accessKey });
  expect(r.status, r.text).toBe(200);
  return r.json;
};
const mails = (code: string, subject: RegExp) => env.stack.outbox.list().filter((e) => e.status === 'sent' && e.subject.includes(code) && subject.test(e.subject));
const ownRow = async () => (await as('office').get('/api/dashboard')).json.byGroup.find((g: { groupId: string }) => g.groupId === OWN);
const overdueCodes = async () => ((await as('office').get(`/api/items?groupId=${OWN}&overdue=true&limit=100`)).json.items as { trackingCode: string }[]).map((i) => i.trackingCode);


describe('deadline extensions', () => {
  it('the group asks, the office approves: the due date moves by working days from the current one, history and submitter see it', async () => {
    env.clock.set(T0);
    const receipt = await submit();
    const code = receipt.trackingCode;
    const before = await item(code);

    env.clock.set(at10('2026-12-10'));
    const asked = await as('own').post(`/api/items/${code}/extension`, { workingDays: 3, reason: '需协调两家单位共同答复' }, before.version);
    expect(asked.status, asked.text).toBe(201);
    expect(asked.headers.get('etag')).toBe(`"${before.version + 1}"`);
    expect(asked.json.extension).toEqual({
      status: 'requested',
      workingDays: 3,
      reason: '需协调两家单位共同答复',
      requestedBy: { sub: people.own.sub, name: people.own.name },
      requestedAt: at10('2026-12-10').toISOString(),
    });
    expect(asked.json.dueAt).toBe(due0);
    expect(asked.json.history.at(-1)).toMatchObject({ action: 'extension-request', by: { name: people.own.name }, note: '+3: 需协调两家单位共同答复' });
    // The office hears of the request, once.
    await env.stack.drainNotifications();
    const requestMails = mails(code, /延期申请待审批/);
    expect(requestMails.map((m) => m.to)).toEqual([demoDirectory.officeEmails]);
    for (const fact of ['需协调两家单位共同答复', '3 个工作日', '第一督导组']) expect(requestMails[0].text).toContain(fact);
    // A request does not change what the submitter sees.
    expect((await publicView(receipt)).extension).toBeUndefined();

    // One open request at a time; a stale If-Match is refused before anything else is decided.
    expectProblem(await as('own').post(`/api/items/${code}/extension`, { workingDays: 1, reason: '再延' }, asked.json.version), 409);
    expectProblem(await as('office').post(`/api/items/${code}/extension/decision`, { approve: true }, before.version), 412);
    // Only the office decides.
    expectProblem(await as('own').post(`/api/items/${code}/extension/decision`, { approve: true }), 403);
    expectProblem(await as('leader').post(`/api/items/${code}/extension/decision`, { approve: true }), 403);
    expect((await item(code)).version).toBe(asked.json.version);

    const approved = await as('office').post(`/api/items/${code}/extension/decision`, { approve: true, note: '同意' }, asked.json.version);
    expect(approved.status, approved.text).toBe(200);
    const newDue = addWorkingDays(new Date(due0), 3, calendarOf(demoDirectory)).toISOString();
    expect(newDue).toBe('2026-12-17T15:59:59.999Z');
    expect(approved.json.dueAt).toBe(newDue);
    expect(approved.json.extension).toMatchObject({ status: 'approved', workingDays: 3, previousDueAt: due0, dueAt: newDue, decidedBy: { name: people.office.name }, note: '同意' });
    expect(approved.json.history.at(-1)).toMatchObject({ action: 'extension-approve', note: `${due0} → ${newDue}: 同意` });
    expect(approved.json.history.map((h: { action: string }) => h.action).filter((a: string) => a.startsWith('extension'))).toEqual(['extension-request', 'extension-approve']);

    // The group hears of the decision, once.
    await env.stack.drainNotifications();
    const group = demoDirectory.groups.find((g) => g.id === OWN)!;
    expect(mails(code, /延期申请已批准/).map((m) => m.to)).toEqual([group.notifyEmails]);
    expect(mails(code, /延期申请待审批/)).toHaveLength(1);
    const seen = await publicView(receipt);
    expect(seen.dueAt).toBe(newDue);
    expect(seen.extension).toEqual({ workingDays: 3, reason: '需协调两家单位共同答复', previousDueAt: due0, approvedAt: at10('2026-12-10').toISOString() });
    expect(JSON.stringify(seen)).not.toContain(people.own.name);
    expect(JSON.stringify(seen)).not.toContain('同意');

    // Decided: nothing waits any more (409); a new request may follow.
    expectProblem(await as('office').post(`/api/items/${code}/extension/decision`, { approve: false }), 409);
  });

  it('a declined request leaves the due date; who may ask: the item\'s group and the office, not leaders or other groups', async () => {
    env.clock.set(T0);
    const receipt = await submit();
    const code = receipt.trackingCode;
    expectProblem(await as('leader').post(`/api/items/${code}/extension`, { workingDays: 2, reason: '理由' }), 403);
    expectProblem(await as('other').post(`/api/items/${code}/extension`, { workingDays: 2, reason: '理由' }), 404);
    for (const bad of [{ workingDays: 0, reason: 'x' }, { workingDays: 31, reason: 'x' }, { workingDays: 2.5, reason: 'x' }, { workingDays: 2, reason: '' }, { workingDays: 2, reason: 'x'.repeat(501) }, { workingDays: 2 }]) {
      expectProblem(await as('own').post(`/api/items/${code}/extension`, bad), 400);
    }
    const asked = await as('office').post(`/api/items/${code}/extension`, { workingDays: 2, reason: '办公室代为申请' });
    expect(asked.status, asked.text).toBe(201);
    const declined = await as('office').post(`/api/items/${code}/extension/decision`, { approve: false, note: '时限内可办结' });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.json.dueAt).toBe(due0);
    expect(declined.json.extension).toMatchObject({ status: 'declined', workingDays: 2, note: '时限内可办结' });
    expect(declined.json.history.at(-1)).toMatchObject({ action: 'extension-decline', note: '时限内可办结' });
    expect((await publicView(receipt)).extension).toBeUndefined();
    await env.stack.drainNotifications();
    expect(mails(code, /延期申请未获批准/)).toHaveLength(1);
    // Declined is not open: the group may ask again.
    expect((await as('own').post(`/api/items/${code}/extension`, { workingDays: 1, reason: '再次申请' })).status).toBe(201);
  });

  it('no extension for an item that is not open or has no due date', async () => {
    env.clock.set(T0);
    const receipt = await submit();
    const reply = await as('own').post(`/api/items/${receipt.trackingCode}/replies`, { body: '已答复。', visibility: 'public' });
    expect(reply.status, reply.text).toBe(201);
    expectProblem(await as('own').post(`/api/items/${receipt.trackingCode}/extension`, { workingDays: 1, reason: '理由' }), 409);
    // An item without a unit waits for the office, with no due date.
    const unrouted = await env.http.post('/api/submissions', { kind: 'question', title: '无单位', body: '请答复。', anonymous: true });
    expect(unrouted.json.dueAt).toBeUndefined();
    expectProblem(await as('office').post(`/api/items/${unrouted.json.trackingCode}/extension`, { workingDays: 1, reason: '理由' }), 409);
  });

  it('an overdue item given more days is no longer overdue in the dashboard and the lists, and is reported again for its new due date', async () => {
    env.clock.set(T0);
    const receipt = await submit();
    const code = receipt.trackingCode;
    env.clock.set(at10('2026-12-15'));
    await env.stack.sweep();
    await env.stack.drainNotifications();
    expect(await overdueCodes()).toContain(code);
    const overdueBefore = (await ownRow()).overdue;
    expect(overdueBefore).toBe((await overdueCodes()).length);

    const asked = await as('own').post(`/api/items/${code}/extension`, { workingDays: 5, reason: '需现场核查' });
    expect(asked.status, asked.text).toBe(201);
    const approved = await as('office').post(`/api/items/${code}/extension/decision`, { approve: true });
    expect(approved.json.dueAt).toBe('2026-12-21T15:59:59.999Z');
    expect(approved.json.overdue).toBe(false);
    expect(await overdueCodes()).not.toContain(code);
    expect((await ownRow()).overdue).toBe(overdueBefore - 1);

    // Past the new due date: overdue again, counted again, reported once for that date.
    for (const day of ['2026-12-22', '2026-12-22', '2026-12-23']) {
      env.clock.set(at10(day));
      await env.stack.sweep();
    }
    await env.stack.drainNotifications();
    expect(await overdueCodes()).toContain(code);
    // The dashboard's figure is what the list counts (other items of this file are overdue by now too).
    expect((await ownRow()).overdue).toBe((await overdueCodes()).length);
    const overdueMarks = (await item(code)).history.filter((h: { action: string }) => h.action === 'overdue');
    expect(overdueMarks.map((h: { note: string }) => h.note)).toEqual([`due ${due0}`, 'due 2026-12-21T15:59:59.999Z']);
  });
});
