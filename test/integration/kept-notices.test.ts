import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { demoDirectory } from '../../shared/demo/directory';
import { keptNoticeKey, notificationKey } from '../../shared/data/keys';
import type { Mailer } from '../../shared/notify/mailer';
import type { Message } from '../../shared/notify/templates';
import { metricNames, metrics } from '../../shared/observability/metrics';
import { streamWorker } from '../../shared/workers';
import { api, leakPattern, startTestStack, type Api, type ApiResponse } from '../support/stack';
import { ownUnit, people } from '../support/staff-people';

/**
 * Issue #14, point 9: a notice that cannot be sent is never dropped. After the notify worker's
 * sends (`streamWorker.sendAttempts`, one per delivery of its record) it is kept in full in the
 * table, the alarm's metric is emitted, and the office lists it, has it sent again (exactly once,
 * through the notification's deduplication claim) or discards it.
 */
let stack: LocalStack;
let http: Api;
const tokens: Record<string, string> = {};
/** The sender the stack uses: the outbox, unless a test makes it fail. */
let failing: ((message: Message) => boolean) | undefined;
const sends: { subject: string; ok: boolean }[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    sweepIntervalSeconds: 0,
    retryBaseMs: 5,
    mailer: (outbox: Mailer) => async (message) => {
      if (failing?.(message)) {
        sends.push({ subject: message.subject, ok: false });
        throw Object.assign(new Error('Email address is on the suppression list: someone@example.com'), { name: 'MessageRejected' });
      }
      sends.push({ subject: message.subject, ok: true });
      return outbox(message);
    },
  });
  http = api(stack.url);
  for (const who of ['office', 'leader', 'own'] as const) tokens[who] = await stack.issuer.issue(people[who]);
});
afterEach(() => {
  failing = undefined;
  vi.restoreAllMocks();
});
afterAll(async () => {
  await stack?.stop();
});

const as = (who: 'office' | 'leader' | 'own') => ({ authorization: `Bearer ${tokens[who]}` });
const submit = async () => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '通知失败', body: '这条通知发不出去。', unitId: ownUnit.id, anonymous: true });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string };
};
const drain = () => stack.drainNotifications(30_000);
const sentFor = (code: string) => stack.outbox.list().filter((e) => e.status === 'sent' && e.subject.includes(code));
const listed = async () => {
  const r = await http.get('/api/admin/notices', as('office'));
  expect(r.status, r.text).toBe(200);
  return r.json.notices as { id: string; trackingCode: string; kind: string; to: string[]; subject: string; text: string; reason: string; attempts: number; redriveRequestedAt?: string }[];
};
const row = async (key: Record<string, string>) =>
  (await stack.deps.db.client.send(new GetCommand({ TableName: stack.tableName, Key: key, ConsistentRead: true }))).Item;
const expectProblem = (r: ApiResponse, status: number) => {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.text).not.toMatch(leakPattern);
};
const listKeptNotices = async () => (await import('../../shared/data/kept-notices')).listKeptNotices(stack.deps);
const group = demoDirectory.groups.find((g) => g.id === ownUnit.groupId)!;

describe('a notice the sender refuses for a while', () => {
  it('is kept in full after the worker\'s sends, raises the alarm metric, and a redrive sends it once', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    failing = () => true;
    const { trackingCode } = await submit();
    await drain();
    const dedupKey = `${trackingCode}#1#assigned`;

    // Tried once per delivery of the record, then kept: nothing sent, nothing dropped.
    expect(sends.filter((s) => s.subject.includes(trackingCode))).toEqual(Array.from({ length: streamWorker.sendAttempts }, () => expect.objectContaining({ ok: false })));
    expect(sentFor(trackingCode)).toEqual([]);
    expect(addMetric.mock.calls.filter(([name]) => name === metricNames.keptNotices)).toEqual([[metricNames.keptNotices, 'Count', 1]]);
    expect(await row(notificationKey(dedupKey))).toMatchObject({ state: 'kept', failures: streamWorker.sendAttempts });
    expect((await row(notificationKey(dedupKey)))?.expiresAt).toBeUndefined();

    // The office sees it whole: recipients, subject, text and the reason (an error's name, never its text).
    const [notice] = (await listed()).filter((n) => n.trackingCode === trackingCode);
    expect(notice).toMatchObject({ trackingCode, kind: 'assigned', to: group.notifyEmails, reason: 'MessageRejected', attempts: 1 });
    expect(notice.subject).toContain(trackingCode);
    expect(notice.text).toContain(trackingCode);
    expect(JSON.stringify(await row(keptNoticeKey(dedupKey)))).not.toContain('someone@example.com');

    // A redrive while the sender still refuses: kept again, with one more attempt, the metric again.
    const again = await http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as('office') });
    expect(again.status, again.text).toBe(202);
    expect(again.json).toMatchObject({ id: notice.id, status: 'redriving' });
    await drain();
    expect((await listed()).find((n) => n.id === notice.id)).toMatchObject({ attempts: 2, reason: 'MessageRejected' });
    expect((await listed()).find((n) => n.id === notice.id)?.redriveRequestedAt).toBeUndefined();
    expect(addMetric.mock.calls.filter(([name]) => name === metricNames.keptNotices)).toHaveLength(2);

    // The sender recovers; the stream delivering the item's record again would send nothing (kept).
    failing = undefined;
    const redriven = await http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as('office') });
    expect(redriven.status).toBe(202);
    await drain();
    expect(sentFor(trackingCode).map((m) => m.to)).toEqual([group.notifyEmails]);
    expect((await listed()).some((n) => n.id === notice.id)).toBe(false);
    expect(await row(keptNoticeKey(dedupKey))).toBeUndefined();
    expect(await row(notificationKey(dedupKey))).toMatchObject({ state: 'sent', expiresAt: expect.any(Number) });

    // Nothing left to redrive: a second redrive is a 404, and nothing is sent twice.
    expectProblem(await http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as('office') }), 404);
    await drain();
    expect(sentFor(trackingCode)).toHaveLength(1);
  });

  it('sends nothing twice when a redrive finds the notice sent already (a partial success)', async () => {
    failing = () => true;
    const { trackingCode } = await submit();
    await drain();
    const [notice] = (await listed()).filter((n) => n.trackingCode === trackingCode);
    failing = undefined;
    // Two redrives asked at once: the worker sends it once, the second finds it sent and only forgets the row.
    const [a, b] = await Promise.all([0, 1].map(() => http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as('office') })));
    expect([a.status, b.status]).toEqual([202, 202]);
    await drain();
    expect(sentFor(trackingCode)).toHaveLength(1);
    expect((await listed()).some((n) => n.id === notice.id)).toBe(false);
  });

  it('can be discarded by the office: never sent, its recipients gone; others may not touch it', async () => {
    failing = () => true;
    const { trackingCode } = await submit();
    await drain();
    const [notice] = (await listed()).filter((n) => n.trackingCode === trackingCode);
    failing = undefined;

    for (const who of ['leader', 'own'] as const) {
      expectProblem(await http.get('/api/admin/notices', as(who)), 403);
      expectProblem(await http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as(who) }), 403);
      expectProblem(await http.call('DELETE', `/api/admin/notices/${notice.id}`, { headers: as(who) }), 403);
    }
    expectProblem(await http.call('DELETE', `/api/admin/notices/${notice.id}`), 401);
    expectProblem(await http.call('DELETE', '/api/admin/notices/not%20an%20id', { headers: as('office') }), 400);
    expectProblem(await http.call('DELETE', `/api/admin/notices/${Buffer.from('YJ-0000-0000#1#assigned').toString('base64url')}`, { headers: as('office') }), 404);
    expectProblem(await http.call('DELETE', `/api/admin/notices/${Buffer.from('not a key').toString('base64url')}`, { headers: as('office') }), 404);

    const discarded = await http.call('DELETE', `/api/admin/notices/${notice.id}`, { headers: as('office') });
    expect(discarded.status, discarded.text).toBe(200);
    expect(discarded.json).toEqual({ id: notice.id, status: 'discarded' });
    expect(await row(keptNoticeKey(`${trackingCode}#1#assigned`))).toBeUndefined();
    expect(await row(notificationKey(`${trackingCode}#1#assigned`))).toMatchObject({ state: 'discarded' });
    expectProblem(await http.call('DELETE', `/api/admin/notices/${notice.id}`, { headers: as('office') }), 404);
    expectProblem(await http.call('POST', `/api/admin/notices/${notice.id}/redrive`, { headers: as('office') }), 404);
    await drain();
    expect(sentFor(trackingCode)).toEqual([]);
  });

  it('addressed to a submitter, is discarded when the sweeper removes that contact (retention)', async () => {
    const email = 'kept.reply@example.com';
    failing = (message) => message.to.includes(email);
    const r = await http.post('/api/submissions', { kind: 'question', title: '联系方式保留期', body: '答复发不出去。', unitId: ownUnit.id, anonymous: false, contact: { email } });
    expect(r.status, r.text).toBe(201);
    const { trackingCode } = r.json as { trackingCode: string };
    const replied = await http.call('POST', `/api/items/${trackingCode}/replies`, { body: { body: '已答复。', visibility: 'public' }, headers: as('office') });
    expect(replied.status, replied.text).toBe(201);
    await drain();
    const mine = async () => (await listed()).filter((n) => n.trackingCode === trackingCode);
    // The acknowledgement of the item and the reply, both to the submitter.
    expect((await mine()).map((n) => [n.kind, n.to])).toEqual([
      ['received', [email]],
      ['reply', [email]],
    ]);
    const closed = await http.call('POST', `/api/items/${trackingCode}/transition`, { body: { action: 'close' }, headers: as('office') });
    expect(closed.status, closed.text).toBe(200);
    try {
      stack.clock.advance((stack.deps.settings.contactRetentionDays + 1) * 86_400_000);
      await stack.sweep();
      // The sweep's other notices (every open item is overdue by now) go out before the next test.
      await drain();
    } finally {
      stack.clock.set(null);
      stack.clock.advance(-(stack.deps.settings.contactRetentionDays + 1) * 86_400_000);
    }
    expect(await mine()).toEqual([]);
    expect(await row(notificationKey(`${trackingCode}#2#reply`))).toMatchObject({ state: 'discarded' });
    expect(await row(notificationKey(`${trackingCode}#1#received`))).toMatchObject({ state: 'discarded' });
    expect(JSON.stringify(await listKeptNotices())).not.toContain(email);
  });

  it('is counted by the sweeper for the alarm while it waits (0 once none is kept)', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await stack.sweep();
    const before = (await listed()).length;
    expect(addMetric.mock.calls.filter(([name]) => name === metricNames.keptNotices)).toEqual([[metricNames.keptNotices, 'Count', before]]);
    failing = () => true;
    await submit();
    await drain();
    addMetric.mockClear();
    await stack.sweep();
    expect(addMetric.mock.calls.filter(([name]) => name === metricNames.keptNotices)).toEqual([[metricNames.keptNotices, 'Count', before + 1]]);
  });
});
