import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../local/outbox';
import { demoDirectory } from '../../shared/demo/directory';
import { useClockedStack } from '../support/clocked-stack';
import { OTHER, OWN, ownUnit, type Person } from '../support/staff-people';

/**
 * The escalation ladder on the local stack (API.md v2, "Escalation ladder"), the clock moved and
 * the sweeper run as the schedule would, several times at each step: the reminder to the group a
 * working day ahead, the overdue notice to the group and the office at the due date, the urging
 * (催办) to the group and the leaders `urgeAfterWorkingDays` working days later with `urgedAt`,
 * each exactly once per due date; `GET /api/items?urged=true` and the urged mark on list rows.
 */

const env = useClockedStack();
const { as } = env;

/** Monday 7 December 2026, 10:00 in Shanghai: a question (5 working days) is due Monday 14 December. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const due0 = '2026-12-14T15:59:59.999Z';
const at10 = (date: string) => new Date(`${date}T10:00:00.000+08:00`);

const group = demoDirectory.groups.find((g) => g.id === OWN)!;
const office = demoDirectory.officeEmails!;
const leaders = demoDirectory.escalation!.leaderEmails!;


const submit = async (title = '催办测试') => {
  const r = await env.http.post('/api/submissions', { kind: 'question', title, body: '请答复。', anonymous: true, unitId: ownUnit.id });
  expect(r.status, r.text).toBe(201);
  expect(r.json.dueAt).toBe(due0);
  return r.json.trackingCode as string;
};

/** Sweeps `times` times at `at`, then lets the stream carry every change to the notify handler. */
const sweepAt = async (at: Date, times = 3) => {
  env.clock.set(at);
  for (let i = 0; i < times; i++) await env.stack.sweep();
  await env.stack.drainNotifications();
};

const mails = (code: string, subject: RegExp): OutboxEntry[] => env.stack.outbox.list().filter((e) => e.status === 'sent' && e.subject.includes(code) && subject.test(e.subject));
const ladder = (code: string) => ({ reminder: mails(code, /即将到期/), overdue: mails(code, /逾期/), urge: mails(code, /催办/) });
const counts = (code: string) => {
  const l = ladder(code);
  return { reminder: l.reminder.length, overdue: l.overdue.length, urge: l.urge.length };
};
const item = async (code: string) => (await as('office').get(`/api/items/${code}`)).json;
const urgedCodes = async (who: Person = 'office', query = '') => {
  const r = await as(who).get(`/api/items?urged=true${query}`);
  expect(r.status, r.text).toBe(200);
  return (r.json.items as { trackingCode: string; urgedAt?: string }[]).map((i) => i.trackingCode);
};


describe('the escalation ladder', () => {
  it('reminder, overdue notice and urging, each exactly once per due date, to the right people', async () => {
    env.clock.set(T0);
    const code = await submit('学习资料迟迟未发');
    await env.stack.drainNotifications();

    // Thursday 10th: two working days ahead, nothing. Friday 11th: the reminder, once.
    await sweepAt(at10('2026-12-10'));
    expect(counts(code)).toEqual({ reminder: 0, overdue: 0, urge: 0 });
    await sweepAt(at10('2026-12-11'));
    await sweepAt(at10('2026-12-14'));
    expect(counts(code)).toEqual({ reminder: 1, overdue: 0, urge: 0 });
    expect(ladder(code).reminder[0].to).toEqual(group.notifyEmails);

    // Tuesday 15th: overdue, to the group and the office, once.
    await sweepAt(at10('2026-12-15'));
    await sweepAt(at10('2026-12-16'));
    expect(counts(code)).toEqual({ reminder: 1, overdue: 1, urge: 0 });
    expect(ladder(code).overdue[0].to).toEqual([...group.notifyEmails, ...office]);

    // Three working days after Monday 14th are 15, 16 and 17 December: still not urged on the 17th
    // (the third day has not ended), urged once from Friday 18th, however often the sweeper runs.
    await sweepAt(at10('2026-12-17'));
    expect(counts(code).urge).toBe(0);
    expect((await item(code)).urgedAt).toBeUndefined();
    expect(await urgedCodes()).not.toContain(code);
    await sweepAt(new Date('2026-12-17T16:00:00.001Z')); // 00:00 Friday in Shanghai
    await sweepAt(at10('2026-12-18'));
    await sweepAt(at10('2026-12-21'));
    expect(counts(code)).toEqual({ reminder: 1, overdue: 1, urge: 1 });
    const urge = ladder(code).urge[0];
    expect(urge.to).toEqual([...group.notifyEmails, ...leaders]);
    for (const fact of [code, '学习资料迟迟未发', group.name, '3个工作日', '2026年12月14日']) expect(urge.text).toContain(fact);

    const urged = await item(code);
    expect(urged.urgedAt).toBe('2026-12-17T16:00:00.001Z');
    expect(urged.history.filter((h: { action: string }) => h.action === 'urge')).toEqual([
      expect.objectContaining({ by: { name: '系统' }, note: `due ${due0}`, at: '2026-12-17T16:00:00.001Z' }),
    ]);
    // Listed as urged, for the office and the item's group, not for another group; marked on every list row.
    expect(await urgedCodes()).toContain(code);
    expect(await urgedCodes('own')).toContain(code);
    expect(await urgedCodes('other')).not.toContain(code);
    expect(await urgedCodes('office', `&groupId=${OWN}&status=assigned`)).toContain(code);
    expect(await urgedCodes('office', '&status=answered')).not.toContain(code);
    for (const path of ['/api/items?limit=100', `/api/items?groupId=${OWN}&limit=100`, `/api/items?unitId=${ownUnit.id}&limit=100`, '/api/items?status=assigned&limit=100']) {
      const row = ((await as('office').get(path)).json.items as { trackingCode: string; urgedAt?: string }[]).find((i) => i.trackingCode === code);
      expect(row?.urgedAt, path).toBe('2026-12-17T16:00:00.001Z');
    }

    // Answered: it leaves the urged list but keeps its mark; no further notices.
    const reply = await as('own').post(`/api/items/${code}/replies`, { body: '已发放。', visibility: 'public' });
    expect(reply.status, reply.text).toBe(201);
    expect(await urgedCodes()).not.toContain(code);
    expect((await item(code)).urgedAt).toBe('2026-12-17T16:00:00.001Z');
    await sweepAt(at10('2026-12-28'));
    expect(counts(code)).toEqual({ reminder: 1, overdue: 1, urge: 1 });
  });

  it('an extension gives a new due date: reminded, reported and urged again, once each, for it', async () => {
    env.clock.set(T0);
    const code = await submit();
    await sweepAt(at10('2026-12-18'));
    expect(counts(code)).toEqual({ reminder: 0, overdue: 1, urge: 1 });
    const asked = await as('own').post(`/api/items/${code}/extension`, { workingDays: 5, reason: '需现场核查' });
    expect(asked.status, asked.text).toBe(201);
    const approved = await as('office').post(`/api/items/${code}/extension/decision`, { approve: true });
    // Five working days after Monday 14th: 15–18 and 21 December.
    expect(approved.json.dueAt).toBe('2026-12-21T15:59:59.999Z');
    // Still marked (it was urged), but not on the urged list for the new date.
    expect(approved.json.urgedAt).toBeDefined();
    expect(await urgedCodes()).not.toContain(code);

    for (const day of ['2026-12-18', '2026-12-21', '2026-12-22', '2026-12-24']) await sweepAt(at10(day), 2);
    expect(counts(code)).toEqual({ reminder: 1, overdue: 2, urge: 1 });
    // 22, 23, 24 December are the three working days after the new date: urged on Friday 25th, once.
    await sweepAt(at10('2026-12-25'));
    await sweepAt(at10('2026-12-28'));
    expect(counts(code)).toEqual({ reminder: 1, overdue: 2, urge: 2 });
    expect((await item(code)).urgedAt).toBe(at10('2026-12-25').toISOString());
    expect(await urgedCodes()).toContain(code);
  });

  it('the urged list pages one item at a time, each item once', async () => {
    env.clock.set(T0);
    const codes = [await submit('分页一'), await submit('分页二'), await submit('分页三')];
    await sweepAt(at10('2026-12-18'));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await as('office').get(`/api/items?urged=true&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status, r.text).toBe(200);
      seen.push(...r.json.items.map((i: { trackingCode: string }) => i.trackingCode));
      cursor = r.json.nextCursor;
    } while (cursor);
    for (const code of codes) expect(seen.filter((c) => c === code)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses urged=false and other values (400)', async () => {
    for (const value of ['false', '1', 'yes']) expect((await as('office').get(`/api/items?urged=${value}`)).status).toBe(400);
    expect(OTHER).not.toBe(OWN);
  });
});
