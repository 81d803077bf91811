import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutboxEntry } from '../../local/outbox';
import type { LocalStack } from '../../local/stack';
import type { AdjustableClock } from '../../local/clock';
import { demoDirectory } from '../../shared/demo/directory';
import type { Deps } from '../../shared/deps';
import { readSettings } from '../../shared/settings';
import { api, startTestStack, type Api } from '../support/stack';

/**
 * The SLA clock on the local stack: time is moved with the stack's clock, `stack.clock.set()` (the
 * gateway, the handlers, the sweeper and the notify handler all run on the stack's deps), the sweeper is run with
 * `stack.sweep()` as the schedule would, and its e-mails are read from the outbox after
 * `drainNotifications()`.
 */

let stack: LocalStack;
let clock: AdjustableClock;
let http: Api;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/** Monday 7 December 2026, 10:00 in Shanghai: a question (5 working days) is due Monday 14 December. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const due0 = '2026-12-14T15:59:59.999Z';
/** 10:00 in Shanghai on a day of December 2026 or January 2027. */
const at10 = (date: string) => new Date(`${date}T10:00:00.000+08:00`);

const g1 = demoDirectory.groups.find((g) => g.id === 'g1')!;
const office = demoDirectory.officeEmails!;
const unit = demoDirectory.units.find((u) => u.groupId === 'g1' && u.system === '党政机关')!;
const contact = { name: '赵敏', email: 'zhao.min@example.com', phone: '+86 139 0000 1111' };
const accessKeys: string[] = [];

interface Receipt {
  trackingCode: string;
  accessKey: string;
  status: string;
  dueAt?: string;
}

let officeToken = '';
let groupToken = '';

const submit = async (body: Record<string, unknown> = {}): Promise<Receipt> => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '关于学习资料发放', body: '资料什么时候发？', anonymous: false, contact, unitId: unit.id, ...body });
  expect(r.status, r.text).toBe(201);
  accessKeys.push(r.json.accessKey);
  return r.json;
};

const staffPost = (path: string, body: unknown, token = groupToken) => http.call('POST', path, { body, headers: { authorization: `Bearer ${token}` } });

const answer = async (code: string, body = '资料已于本周发放。') => {
  const r = await staffPost(`/api/items/${code}/replies`, { body, visibility: 'public' });
  expect(r.status, r.text).toBe(201);
};

const rate = async (receipt: Receipt, satisfaction: string) => {
  const r = await http.post(`/api/submissions/${receipt.trackingCode}/rating`, { satisfaction }, { 'X-Access-Key': receipt.accessKey });
  expect(r.status, r.text).toBe(200);
  return r.json.status as string;
};

/** The item as the office sees it (status, version, history). */
const view = async (code: string) => {
  const r = await http.call('GET', `/api/items/${code}`, { headers: { authorization: `Bearer ${officeToken}` } });
  expect(r.status, r.text).toBe(200);
  return r.json as { status: string; version: number; dueAt?: string; overdue: boolean; history: { action: string; by: { name: string }; from?: string; to?: string; note?: string; at: string }[] };
};
const actions = async (code: string, action: string) => (await view(code)).history.filter((h) => h.action === action);

/** Sweeps at `at`, then waits until the stream has carried every change to the notify handler. */
const sweepAt = async (at: Date) => {
  clock.set(at);
  const result = await stack.sweep();
  await stack.drainNotifications();
  return result;
};

const sent = (code: string, subject: RegExp): OutboxEntry[] =>
  stack.outbox.list().filter((e) => e.status === 'sent' && e.subject.includes(code) && subject.test(e.subject));
const overdueMail = (code: string) => sent(code, /逾期/);
const reminderMail = (code: string) => sent(code, /即将到期/);

beforeAll(async () => {
  // The default applies: YIJIAN_AUTO_CLOSE_DAYS is not set for this file.
  delete process.env.YIJIAN_AUTO_CLOSE_DAYS;
  stack = await startTestStack({ sweepIntervalSeconds: 0, retryBaseMs: 10 });
  clock = stack.clock;
  http = api(stack.url);
  officeToken = await stack.issuer.issue({ sub: 'office-s', name: '办公室 钱', groups: ['office'] });
  groupToken = await stack.issuer.issue({ sub: 'responder-s1', name: '一组 吴', groups: ['group:g1'] });
  expect(demoDirectory.rules.some(({ when }) => (when.kind ?? 'question') === 'question' && (when.unitId ?? unit.id) === unit.id && (when.system ?? unit.system) === unit.system)).toBe(false);
});

afterEach(() => {
  clock.set(null);
  vi.unstubAllEnvs();
});

afterAll(async () => {
  clock.set(null);
  await stack?.stop();
});

describe('overdue', () => {
  it('tells the group and the office once when an item passes its due date, however often the sweeper runs', async () => {
    clock.set(T0);
    const title = '学习资料迟迟未发';
    const receipt = await submit({ title });
    expect(receipt.dueAt).toBe(due0);
    await stack.drainNotifications();

    // At the last millisecond of the due day the item is not overdue yet.
    await sweepAt(new Date(due0));
    expect(overdueMail(receipt.trackingCode)).toEqual([]);
    expect(await actions(receipt.trackingCode, 'overdue')).toEqual([]);

    const result = await sweepAt(new Date(Date.parse(due0) + 1));
    expect(result.overdue).toBeGreaterThanOrEqual(1);
    const mails = overdueMail(receipt.trackingCode);
    expect(mails).toHaveLength(1);
    // One message to the group and the office (API.md v2, "Escalation ladder").
    expect(mails[0].to).toEqual([...g1.notifyEmails, ...office]);
    for (const fact of [receipt.trackingCode, title, unit.name, g1.name, '2026年12月14日', '14 December 2026']) expect(mails[0].text).toContain(fact);
    for (const secret of [contact.email, contact.name, contact.phone, receipt.accessKey]) expect(JSON.stringify(mails[0])).not.toContain(secret);
    // The group had its new-item e-mail, its reminder and the overdue notice, nothing more.
    const toGroup = sent(receipt.trackingCode, /./).filter((m) => m.to.some((to) => g1.notifyEmails.includes(to)));
    expect(toGroup.map((m) => (/逾期/.test(m.subject) ? 'overdue' : /即将到期/.test(m.subject) ? 'reminder' : 'new'))).toEqual(['new', 'reminder', 'overdue']);

    const afterFirst = await view(receipt.trackingCode);
    expect(afterFirst.overdue).toBe(true);
    const marks = afterFirst.history.filter((h) => h.action === 'overdue');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ by: { name: '系统' }, at: new Date(Date.parse(due0) + 1).toISOString() });

    // Again, an hour later, and two days later (before the urging, test/integration/ladder.test.ts): nothing new, nothing changed.
    await sweepAt(new Date(Date.parse(due0) + HOUR));
    await sweepAt(new Date(Date.parse(due0) + 2 * DAY));
    expect(overdueMail(receipt.trackingCode)).toHaveLength(1);
    expect((await view(receipt.trackingCode)).version).toBe(afterFirst.version);
    expect(reminderMail(receipt.trackingCode)).toHaveLength(1);
  });

  it('marks an item overdue once when two sweeps run at the same time', async () => {
    clock.set(T0);
    const receipt = await submit();
    await stack.drainNotifications();
    clock.set(at10('2026-12-16'));
    await Promise.all([stack.sweep(), stack.sweep(), stack.sweep()]);
    await stack.drainNotifications();
    expect(overdueMail(receipt.trackingCode)).toHaveLength(1);
    expect(await actions(receipt.trackingCode, 'overdue')).toHaveLength(1);
    // An item that went straight past its due date is not "reminded" after the fact.
    expect(reminderMail(receipt.trackingCode)).toEqual([]);
  });

  it('tells the office again for a new due date after the item was reopened', async () => {
    clock.set(T0);
    const receipt = await submit();
    await sweepAt(at10('2026-12-15'));
    expect(overdueMail(receipt.trackingCode)).toHaveLength(1);
    // Answered late, the submitter is unsatisfied: a new SLA clock from Tuesday 15 December.
    await answer(receipt.trackingCode);
    expect(await rate(receipt, 'unsatisfied')).toBe('reopened');
    expect((await view(receipt.trackingCode)).dueAt).toBe('2026-12-22T15:59:59.999Z');
    await sweepAt(at10('2026-12-22'));
    expect(overdueMail(receipt.trackingCode)).toHaveLength(1);
    await sweepAt(at10('2026-12-23'));
    await sweepAt(at10('2026-12-24'));
    const mails = overdueMail(receipt.trackingCode);
    expect(mails).toHaveLength(2);
    expect(mails[1].text).toContain('2026年12月22日');
    expect(await actions(receipt.trackingCode, 'overdue')).toHaveLength(2);
  });

  it('never calls an answered or closed item overdue', async () => {
    clock.set(T0);
    const answered = await submit();
    const closed = await submit();
    await answer(answered.trackingCode);
    await answer(closed.trackingCode);
    expect(await rate(closed, 'satisfied')).toBe('closed');
    await sweepAt(at10('2026-12-15'));
    for (const r of [answered, closed]) {
      expect(overdueMail(r.trackingCode)).toEqual([]);
      expect(await actions(r.trackingCode, 'overdue')).toEqual([]);
    }
  });
});

describe('reminders', () => {
  it('reminds the group once, one working day before the due date', async () => {
    clock.set(T0);
    const receipt = await submit();
    await stack.drainNotifications();

    // Thursday: the due date (Monday) is two working days away.
    await sweepAt(at10('2026-12-10'));
    expect(reminderMail(receipt.trackingCode)).toEqual([]);

    // Friday: Monday is the next working day.
    await sweepAt(at10('2026-12-11'));
    const mails = reminderMail(receipt.trackingCode);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(g1.notifyEmails);
    for (const fact of [receipt.trackingCode, '2026年12月14日', '14 December 2026']) expect(mails[0].text).toContain(fact);
    expect(JSON.stringify(mails[0])).not.toContain(contact.email);
    const reminded = await actions(receipt.trackingCode, 'remind');
    expect(reminded).toHaveLength(1);
    expect(reminded[0].by.name).toBe('系统');

    // Later on Friday, over the weekend and on the due day itself: still one.
    await sweepAt(new Date(at10('2026-12-11').getTime() + 7 * HOUR));
    await sweepAt(at10('2026-12-13'));
    await sweepAt(at10('2026-12-14'));
    expect(reminderMail(receipt.trackingCode)).toHaveLength(1);
    expect(await actions(receipt.trackingCode, 'remind')).toHaveLength(1);

    // Past the due date the group and the office are told; the reminder is not repeated.
    await sweepAt(at10('2026-12-15'));
    expect(overdueMail(receipt.trackingCode)).toHaveLength(1);
    expect(reminderMail(receipt.trackingCode)).toHaveLength(1);
  });

  it('counts the working day across holidays: due Monday 4 January, reminded Thursday 31 December', async () => {
    // Submitted on Sunday 27 December: five working days are 28–31 December and 4 January (1–3 January are holidays).
    clock.set(at10('2026-12-27'));
    const receipt = await submit();
    expect(receipt.dueAt).toBe('2027-01-04T15:59:59.999Z');
    await sweepAt(at10('2026-12-30'));
    expect(reminderMail(receipt.trackingCode)).toEqual([]);
    await sweepAt(at10('2026-12-31'));
    expect(reminderMail(receipt.trackingCode)).toHaveLength(1);
    await sweepAt(at10('2027-01-02'));
    expect(reminderMail(receipt.trackingCode)).toHaveLength(1);
  });

  it('reminds nobody of an item answered in time', async () => {
    clock.set(T0);
    const receipt = await submit();
    clock.set(at10('2026-12-09'));
    await answer(receipt.trackingCode);
    await sweepAt(at10('2026-12-11'));
    await sweepAt(at10('2026-12-15'));
    expect(reminderMail(receipt.trackingCode)).toEqual([]);
    expect(overdueMail(receipt.trackingCode)).toEqual([]);
  });
});

describe('auto-close', () => {
  it('closes an answered, unrated item 7 days after the answer, with a history entry; rated items are not touched', async () => {
    clock.set(T0);
    const unrated = await submit({ title: '未评价' });
    const satisfied = await submit({ title: '已评价满意' });
    const unsatisfied = await submit({ title: '已评价不满意' });
    const answeredAt = new Date(T0.getTime() + HOUR);
    clock.set(answeredAt);
    for (const r of [unrated, satisfied, unsatisfied]) await answer(r.trackingCode);
    clock.set(new Date(answeredAt.getTime() + HOUR));
    expect(await rate(satisfied, 'satisfied')).toBe('closed');
    expect(await rate(unsatisfied, 'unsatisfied')).toBe('reopened');
    await stack.drainNotifications();
    const satisfiedBefore = await view(satisfied.trackingCode);

    // A minute short of seven days: still waiting for a rating.
    await sweepAt(new Date(answeredAt.getTime() + 7 * DAY - MINUTE));
    expect((await view(unrated.trackingCode)).status).toBe('answered');

    const closedAt = new Date(answeredAt.getTime() + 7 * DAY + MINUTE);
    const result = await sweepAt(closedAt);
    expect(result.autoClosed).toBeGreaterThanOrEqual(1);
    const closed = await view(unrated.trackingCode);
    expect(closed.status).toBe('closed');
    const entries = closed.history.filter((h) => h.action === 'auto-close');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ from: 'answered', to: 'closed', by: { name: '系统' }, at: closedAt.toISOString() });
    expect(entries[0].note).toContain('7');
    // The submitter sees it closed.
    const publicView = await http.get(`/api/submissions/${unrated.trackingCode}`, { 'X-Access-Key': unrated.accessKey });
    expect(publicView.json.status).toBe('closed');

    // The rated ones: the satisfied one unchanged, the unsatisfied one still with the group.
    const satisfiedAfter = await view(satisfied.trackingCode);
    expect(satisfiedAfter.version).toBe(satisfiedBefore.version);
    expect(satisfiedAfter.history).toEqual(satisfiedBefore.history);
    const reopened = await view(unsatisfied.trackingCode);
    expect(reopened.status).toBe('reopened');
    expect(reopened.history.filter((h) => h.action === 'auto-close')).toEqual([]);

    // Once: the next sweeps leave the closed item alone.
    const version = closed.version;
    await sweepAt(new Date(closedAt.getTime() + DAY));
    expect((await view(unrated.trackingCode)).version).toBe(version);
  });

  it('counts the 7 days from the latest answer', async () => {
    clock.set(T0);
    const receipt = await submit();
    const first = new Date(T0.getTime() + HOUR);
    clock.set(first);
    await answer(receipt.trackingCode);
    const second = new Date(first.getTime() + 5 * DAY);
    clock.set(second);
    await answer(receipt.trackingCode, '补充答复。');
    await sweepAt(new Date(first.getTime() + 7 * DAY + MINUTE));
    expect((await view(receipt.trackingCode)).status).toBe('answered');
    await sweepAt(new Date(second.getTime() + 7 * DAY + MINUTE));
    expect((await view(receipt.trackingCode)).status).toBe('closed');
  });

  it('does not close an item the submitter followed up on', async () => {
    clock.set(T0);
    const receipt = await submit();
    clock.set(new Date(T0.getTime() + HOUR));
    await answer(receipt.trackingCode);
    clock.set(new Date(T0.getTime() + 2 * DAY));
    const f = await http.post(`/api/submissions/${receipt.trackingCode}/follow-ups`, { body: '还想再问一下。' }, { 'X-Access-Key': receipt.accessKey });
    expect(f.json.status).toBe('reopened');
    await sweepAt(new Date(T0.getTime() + 9 * DAY));
    const v = await view(receipt.trackingCode);
    expect(v.status).toBe('reopened');
    expect(v.history.filter((h) => h.action === 'auto-close')).toEqual([]);
  });

  it('never puts an access key or the contact in an e-mail the sweeper caused', () => {
    const raw = readFileSync(stack.outbox.file, 'utf8');
    expect(raw).toMatch(/逾期/);
    for (const key of accessKeys) expect(raw).not.toContain(key);
    // Replies legitimately go to the contact's address; no text ever shows it or the phone.
    for (const entry of stack.outbox.list()) {
      expect(entry.text).not.toContain(contact.email);
      expect(entry.text).not.toContain(contact.phone);
    }
  });
});

// The sweeper on the stack's deps with the settings of an environment where YIJIAN_AUTO_CLOSE_DAYS is `days`.
describe('YIJIAN_AUTO_CLOSE_DAYS', () => {
  const depsWith = (days: string | undefined): Deps => ({ db: stack.deps.db, clock: stack.deps.clock, settings: readSettings({ ...process.env, YIJIAN_AUTO_CLOSE_DAYS: days }) });

  it('defaults to 7 and takes a configured number of days', () => {
    expect(depsWith(undefined).settings.autoCloseDays).toBe(7);
    expect(depsWith('3').settings.autoCloseDays).toBe(3);
  });

  it('refuses a setting that is not a positive number', () => {
    for (const bad of ['0', '-1', 'seven', 'Infinity']) expect(() => depsWith(bad), bad).toThrow(/YIJIAN_AUTO_CLOSE_DAYS/);
  });

  it('closes after the configured days: 3', async () => {
    clock.set(T0);
    const receipt = await submit();
    const answeredAt = new Date(T0.getTime() + HOUR);
    clock.set(answeredAt);
    await answer(receipt.trackingCode);
    const { sweep } = await import('../../shared/services/sweeper');
    const deps = depsWith('3');
    await sweep(deps, new Date(answeredAt.getTime() + 3 * DAY - MINUTE));
    expect((await view(receipt.trackingCode)).status).toBe('answered');
    await sweep(deps, new Date(answeredAt.getTime() + 3 * DAY + MINUTE));
    const closed = await view(receipt.trackingCode);
    expect(closed.status).toBe('closed');
    expect(closed.history.at(-1)).toMatchObject({ action: 'auto-close', note: expect.stringContaining('3') });
  });
});
