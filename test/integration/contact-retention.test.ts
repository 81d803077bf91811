import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdjustableClock } from '../../local/clock';
import type { LocalStack } from '../../local/stack';
import { defaultContactRetentionDays } from '../../shared/settings';
import { api, startTestStack, type Api } from '../support/stack';
import { ownUnit, people } from '../support/staff-people';

/**
 * Personal-information minimisation: the sweeper removes a submitter's contact details
 * YIJIAN_CONTACT_RETENTION_DAYS (default 180) days after the item ended (closed, rejected or
 * merged), through the one way to change an item, with a history entry that holds no contact.
 * Time is moved with the stack's clock; the sweeper is run as the schedule would run it.
 */

let stack: LocalStack;
let clock: AdjustableClock;
let http: Api;
const DAY = 86_400_000;
const days = defaultContactRetentionDays;
/** Monday 7 December 2026, 10:00 in Shanghai. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const contact = { name: '钱七', email: 'qian.qi@example.com', phone: '+86 138 0000 2222' };
const tokens = { office: '', own: '' };

const staff = (who: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[who]}` });
const submit = async (body: Record<string, unknown> = {}) => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '联系方式保留', body: '请答复。', anonymous: false, contact, unitId: ownUnit.id, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string };
};
const view = async (code: string) => {
  const r = await http.get(`/api/items/${code}`, staff('office'));
  expect(r.status, r.text).toBe(200);
  return r.json as { status: string; version: number; contact?: unknown; history: { action: string; by: { name: string }; note?: string }[] };
};

beforeAll(async () => {
  stack = await startTestStack({ sweepIntervalSeconds: 0 });
  clock = stack.clock;
  http = api(stack.url);
  tokens.office = await stack.issuer.issue(people.office);
  tokens.own = await stack.issuer.issue(people.own);
});

afterAll(async () => {
  clock?.set(null);
  await stack?.stop();
});

describe(`contact details are removed ${days} days after an item ended`, () => {
  const codes = { closed: '', rejected: '', merged: '', open: '', anonymous: '' };
  let closedKey = '';

  it('is 180 days unless YIJIAN_CONTACT_RETENTION_DAYS says otherwise', () => {
    expect(defaultContactRetentionDays).toBe(180);
  });

  it('keeps them until then: closed, rejected and merged items, and open ones', async () => {
    clock.set(T0);
    const closed = await submit();
    codes.closed = closed.trackingCode;
    closedKey = closed.accessKey;
    const replied = await http.call('POST', `/api/items/${codes.closed}/replies`, { body: { body: '已答复。', visibility: 'public' }, headers: staff('own') });
    expect(replied.status, replied.text).toBe(201);
    const rated = await http.post(`/api/submissions/${codes.closed}/rating`, { satisfaction: 'satisfied' }, { 'X-Access-Key': closedKey });
    expect(rated.json).toEqual({ status: 'closed' });

    codes.rejected = (await submit()).trackingCode;
    const rejected = await http.call('POST', `/api/items/${codes.rejected}/transition`, { body: { action: 'reject', reason: '不属于本次范围' }, headers: staff('office') });
    expect(rejected.status, rejected.text).toBe(200);
    codes.merged = (await submit()).trackingCode;
    const merged = await http.call('POST', `/api/items/${codes.merged}/transition`, { body: { action: 'merge', targetId: codes.closed }, headers: staff('office') });
    expect(merged.status, merged.text).toBe(200);
    codes.open = (await submit()).trackingCode;
    codes.anonymous = (await submit({ anonymous: true, contact: undefined })).trackingCode;

    // A day before the end of the retention period: nothing is removed.
    clock.set(new Date(T0.getTime() + (days - 1) * DAY));
    expect((await stack.sweep()).contactsRemoved).toBe(0);
    for (const code of [codes.closed, codes.rejected, codes.merged, codes.open]) expect((await view(code)).contact, code).toEqual(contact);
  });

  it('removes them after it, once, with a history entry that holds no contact', async () => {
    const before = await view(codes.closed);
    clock.set(new Date(T0.getTime() + days * DAY + 60_000));
    expect((await stack.sweep()).contactsRemoved).toBe(3);
    for (const code of [codes.closed, codes.rejected, codes.merged]) {
      const item = await view(code);
      expect(item.contact, code).toBeUndefined();
      const last = item.history.at(-1)!;
      expect(last).toMatchObject({ action: 'remove-contact', by: { name: '系统' } });
      expect(last.note).toMatch(new RegExp(`${days} days`));
      expect(JSON.stringify(item), code).not.toMatch(/qian\.qi|钱七|0000 2222/);
    }
    expect((await view(codes.closed)).version).toBe(before.version + 1);
    // The status and everything else stay as they were.
    expect((await view(codes.closed)).status).toBe('closed');
    // The open item keeps its contact: its clock has not started.
    expect((await view(codes.open)).contact).toEqual(contact);
    // Idempotent: a second sweep finds nothing, changes nothing.
    expect((await stack.sweep()).contactsRemoved).toBe(0);
    expect((await view(codes.closed)).version).toBe(before.version + 1);
    // Staff lists and the export never held the contact; the item view now has none either.
    const exported = await http.get('/api/exports/items.csv', staff('office'));
    expect(exported.text).not.toContain(contact.email);
  });

  it('leaves the submitter without e-mail after it: a later public reply is mailed to nobody', async () => {
    const followUp = await http.post(`/api/submissions/${codes.closed}/follow-ups`, { body: '还有一个问题。' }, { 'X-Access-Key': closedKey });
    expect(followUp.status, followUp.text).toBe(201);
    expect(followUp.json.status).toBe('reopened');
    const replied = await http.call('POST', `/api/items/${codes.closed}/replies`, { body: { body: '再次答复。', visibility: 'public' }, headers: staff('own') });
    expect(replied.status, replied.text).toBe(201);
    await stack.drainNotifications();
    // Replies only: each item of this file with the contact was also acknowledged when it came in.
    const toSubmitter = stack.outbox.list().filter((m) => JSON.stringify(m).includes(contact.email) && !m.subject.includes('已收到'));
    // The first answer (before the removal) reached the submitter; the one after it did not.
    expect(toSubmitter.length).toBe(1);
    expect(JSON.stringify(toSubmitter)).not.toContain('再次答复');
  });
});
