import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../local/outbox';
import type { LocalStack } from '../../local/stack';
import { startStreamPoller, type StreamPoller } from '../../local/stream-poller';
import { localClient } from '../../local/table';
import type { AdjustableClock } from '../../local/clock';
import { demoDirectory } from '../../shared/demo/directory';
import type { Mailer } from '../../shared/notify/mailer';
import type { Message } from '../../shared/notify/templates';
import { streamWorker } from '../../shared/workers';
import { api, startTestStack, type Api } from '../support/stack';

/**
 * Notifications end to end on the local stack: HTTP changes -> the table's change stream -> the
 * stream poller -> the real notify handler -> the mailer -> the local outbox. The gateway, the
 * handlers, the notify handler and the poller all run in this process, so the test's clock and
 * its wrapping of the mailer reach all of them. No sleeps: `drain()` waits for the poller.
 *
 * The last describe block replaces the stack's poller (restart tests); `poller` follows it.
 */

let stack: LocalStack;
let http: Api;
let poller: StreamPoller;
let clock: AdjustableClock;
/**
 * The stack's mailer as the tests switch it (a sender that fails as SES can): the stack's deps
 * carry a mailer that sends through `current`, which starts as the stack's own (the outbox).
 */
let current: Mailer;
const mailer = {
  use(next: (previous: Mailer) => Mailer): Mailer {
    const previous = current;
    current = next(previous);
    return previous;
  },
  restore(previous: Mailer) {
    current = previous;
  },
};
const extraPollers: StreamPoller[] = [];

/** Monday 7 December 2026, 10:00 in Shanghai: a question (5 working days) is due Monday 14 December. */
const T0 = new Date('2026-12-07T02:00:00.000Z');
const dueZh = '2026年12月14日';
const dueEn = '14 December 2026';
const expectedDueAt = '2026-12-14T15:59:59.999Z';

const g1 = demoDirectory.groups.find((g) => g.id === 'g1')!;
const g2 = demoDirectory.groups.find((g) => g.id === 'g2')!;
const g3 = demoDirectory.groups.find((g) => g.id === 'g3')!;
const office = demoDirectory.officeEmails!;
/** Units with no demo rule diverting a `question` (checked in beforeAll). */
const unitOf = (groupId: string, skip = 0) => demoDirectory.units.filter((u) => u.groupId === groupId && u.system === '党政机关')[skip]!;

const people = {
  office: { sub: 'office-n', name: '办公室 通知', groups: ['office'] },
  g1: { sub: 'responder-n1', name: '一组 通知', groups: ['group:g1'] },
} as const;
const tokens: Record<string, string> = {};

interface Receipt {
  trackingCode: string;
  accessKey: string;
  status: string;
  dueAt?: string;
}
/** Every access key handed out in this file: none may ever appear in the outbox. */
const accessKeys: string[] = [];

const drain = () => poller.drain(20_000);
const outbox = (): OutboxEntry[] => stack.outbox.list();
/** Every subject names the tracking code, so an item's mail is the entries whose subject has it. */
const mailFor = (code: string, status: OutboxEntry['status'] = 'sent') => outbox().filter((e) => e.subject.includes(code) && e.status === status);

const contact = { name: '王小明', email: 'wang.xiaoming@example.com', phone: '+86 138 0013 8000' };

const submit = async (body: Record<string, unknown> = {}): Promise<Receipt> => {
  const r = await http.post('/api/submissions', { kind: 'question', title: '关于培训安排', body: '下次培训能否提前一周通知？', anonymous: true, unitId: unitOf('g1').id, ...body });
  expect(r.status, r.text).toBe(201);
  accessKeys.push(r.json.accessKey);
  return r.json;
};

const as = (who: keyof typeof people) => ({
  post: (path: string, body: unknown) => http.call('POST', path, { body, headers: { authorization: `Bearer ${tokens[who]}` } }),
  get: (path: string) => http.call('GET', path, { headers: { authorization: `Bearer ${tokens[who]}` } }),
});

const reply = async (code: string, body: string, visibility: 'public' | 'internal', who: keyof typeof people = 'g1') => {
  const r = await as(who).post(`/api/items/${code}/replies`, { body, visibility });
  expect(r.status, r.text).toBe(201);
  return r.json;
};

const rate = async (receipt: Receipt, satisfaction: string, comment?: string) => {
  const r = await http.post(`/api/submissions/${receipt.trackingCode}/rating`, { satisfaction, ...(comment ? { comment } : {}) }, { 'X-Access-Key': receipt.accessKey });
  expect(r.status, r.text).toBe(200);
  return r.json;
};

/** No entry of the outbox (parsed or raw) shows any access key handed out so far. */
const expectNoAccessKeyInOutbox = () => {
  const raw = readFileSync(stack.outbox.file, 'utf8');
  for (const key of accessKeys) expect(raw).not.toContain(key);
};

/** The items' sent entries keyed by recipients + subject: a message delivered twice counts 2. */
const sentCounts = (codes: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const e of outbox().filter((x) => x.status === 'sent' && codes.some((code) => x.subject.includes(code)))) {
    const key = `${[...e.to].sort().join(',')}|${e.subject}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

/** Holds the mailer on messages whose text contains `marker` until `release()` (or `fail()`). */
const gateOn = (marker: string) => {
  let entered!: () => void;
  const reached = new Promise<void>((resolve) => (entered = resolve));
  let open!: (error?: Error) => void;
  const gate = new Promise<Error | undefined>((resolve) => (open = resolve));
  let held = true;
  const previous = mailer.use((send) => async (message) => {
    if (held && message.text.includes(marker)) {
      held = false;
      entered();
      const error = await gate;
      if (error) throw error;
    }
    return send(message);
  });
  return {
    reached,
    release: () => open(undefined),
    fail: (error: Error) => open(error),
    restore: () => mailer.restore(previous),
  };
};

const namedError = (name: string, message = name) => Object.assign(new Error(message), { name });

/** A second poller on the stack's table with the same handler and on-failure path as the stack's own. */
const startPoller = async (checkpoints: Map<string, string>) => {
  const { handler: notifyHandler } = await import('../../functions/notify');
  const notify = notifyHandler.withDeps(stack.deps);
  const { DeliveryError } = await import('../../shared/services/notify');
  const context = { awsRequestId: randomUUID(), functionName: 'notify', getRemainingTimeInMillis: () => 60_000 } as unknown as import('aws-lambda').Context;
  const started = await startStreamPoller(localClient(stack.dynamoEndpoint), {
    endpoint: stack.dynamoEndpoint,
    tableName: stack.tableName,
    handler: (event: DynamoDBStreamEvent) => notify(event, context),
    onFailure: (records: readonly DynamoDBRecord[], error: unknown) => {
      const delivery = error instanceof DeliveryError ? error : undefined;
      stack.outbox.append({
        id: randomUUID(),
        to: delivery?.to ?? [],
        subject: delivery?.subject ?? `undelivered change-stream records: ${records.map((r) => r.eventID).join(', ')}`,
        text: '',
        at: new Date().toISOString(),
        status: 'failed',
        error: delivery ? `${delivery.message} (${delivery.dedupKey})` : error instanceof Error ? error.name : 'failed',
      });
    },
    batchSize: streamWorker.batchSize,
    maxRetries: streamWorker.maxRetries,
    reportBatchItemFailures: streamWorker.reportBatchItemFailures,
    checkpoints,
    retryBaseMs: 10,
  });
  extraPollers.push(started);
  return started;
};

beforeAll(async () => {
  stack = await startTestStack({
    sweepIntervalSeconds: 0,
    retryBaseMs: 10,
    mailer: (outbox) => {
      current = outbox;
      return (message) => current(message);
    },
  });
  clock = stack.clock;
  http = api(stack.url);
  poller = stack.poller;
  for (const who of Object.keys(people) as (keyof typeof people)[]) tokens[who] = await stack.issuer.issue(people[who]);
  // The fixtures' precondition: no demo rule diverts a `question` of the units used here.
  for (const groupId of ['g1', 'g2', 'g3']) {
    for (const skip of [0, 1, 2]) {
      const unit = unitOf(groupId, skip);
      expect(demoDirectory.rules.some(({ when }) => (when.kind ?? 'question') === 'question' && (when.unitId ?? unit.id) === unit.id && (when.system ?? unit.system) === unit.system)).toBe(false);
    }
  }
});

afterEach(() => {
  clock.set(null);
});

afterAll(async () => {
  clock.set(null);
  for (const p of extraPollers) await p.stop();
  await stack?.stop();
});

describe('who is told what', () => {
  it('tells the routed group of a new item: one e-mail with code, kind, unit, title and due date, never the contact', async () => {
    clock.set(T0);
    const unit = unitOf('g1');
    const title = '培训时间能否调整到周五下午';
    const receipt = await submit({ anonymous: false, contact, title, unitId: unit.id });
    expect(receipt.status).toBe('assigned');
    expect(receipt.dueAt).toBe(expectedDueAt);
    await drain();

    const mails = mailFor(receipt.trackingCode);
    // The group's, then the submitter's acknowledgement (it left an e-mail address).
    expect(mails.map((m) => m.to)).toEqual([g1.notifyEmails, [contact.email]]);
    const [mail] = mails;
    expect(mail.subject).toContain(receipt.trackingCode);
    for (const fact of [receipt.trackingCode, '疑问', 'Question', unit.name, title, dueZh, dueEn]) expect(mail.text).toContain(fact);
    for (const secret of [contact.email, contact.name, contact.phone, '138', receipt.accessKey]) {
      expect(mail.text).not.toContain(secret);
      expect(mail.subject).not.toContain(secret);
    }
    expect(mailFor(receipt.trackingCode, 'failed')).toEqual([]);
  });

  it('tells a submitter who left an e-mail address that the item was received, with the tracking link and never the key', async () => {
    clock.set(T0);
    const title = '能否提供培训录像';
    const receipt = await submit({ anonymous: false, contact, title, unitId: unitOf('g1', 1).id });
    await drain();
    const acks = mailFor(receipt.trackingCode).filter((m) => m.to.includes(contact.email));
    expect(acks).toHaveLength(1);
    const [ack] = acks;
    expect(ack.subject).toMatch(/已收到|received/);
    const link = `${stack.url}/track#${receipt.trackingCode}`;
    for (const fact of [receipt.trackingCode, title, dueZh, dueEn, link]) expect(ack.text).toContain(fact);
    // The due date as the campaign's day with its weekday, never a UTC time.
    expect(ack.text).toContain('星期一');
    expect(ack.text).toContain('Monday');
    expect(ack.text).not.toMatch(/15:59/);
    for (const url of ack.text.match(/https?:\/\/\S+/g) ?? []) expect(url).toBe(link);
    expect(ack.text).not.toContain(receipt.accessKey);
    expect(ack.text).not.toContain(receipt.accessKey.replaceAll('-', ''));
    expect(ack.text).not.toContain(contact.phone);
    // An anonymous item is told to no submitter (there is no address).
    const anonymous = await submit({ anonymous: true, unitId: unitOf('g1', 2).id });
    await drain();
    expect(mailFor(anonymous.trackingCode).map((m) => m.to)).toEqual([g1.notifyEmails]);
  });

  it('sends the submitter one e-mail per public reply: the reply text and a tracking link without the key', async () => {
    const receipt = await submit({ anonymous: false, contact, unitId: unitOf('g1', 1).id });
    await drain();
    const answer = '培训时间已调整为每周五下午三点，详见通知。';
    await reply(receipt.trackingCode, answer, 'public');
    await drain();

    const mails = mailFor(receipt.trackingCode);
    expect(mails.map((m) => m.to)).toEqual([g1.notifyEmails, [contact.email], [contact.email]]);
    const mail = mails[2];
    expect(mail.text).toContain(answer);
    expect(mail.text).toContain(g1.name);
    const link = `${stack.url}/track#${receipt.trackingCode}`;
    expect(mail.text).toContain(link);
    // The link is the tracking page for the code alone: the submitter types the key there.
    const urls = mail.text.match(/https?:\/\/\S+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toBe(link);
    expect(mail.text).not.toContain(receipt.accessKey);
    expect(mail.text).not.toMatch(/key=|accessKey|X-Access-Key/i);
    expect(mail.text).not.toContain(contact.name);
    expect(mail.text).not.toContain(contact.phone);

    // A second public reply is a second message, the first is not sent again.
    await reply(receipt.trackingCode, '补充：会议室改为三楼。', 'public');
    await drain();
    expect(mailFor(receipt.trackingCode).map((m) => m.to)).toEqual([g1.notifyEmails, [contact.email], [contact.email], [contact.email]]);
  });

  it('tells only the group about an anonymous item, whatever happens to it', async () => {
    const receipt = await submit({ anonymous: true, unitId: unitOf('g1', 2).id });
    await drain();
    await reply(receipt.trackingCode, '已答复。', 'public');
    await drain();
    const mails = mailFor(receipt.trackingCode);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(g1.notifyEmails);
  });

  it('sends nothing for an internal note, on an open item or an answered one', async () => {
    const receipt = await submit({ anonymous: false, contact, unitId: unitOf('g1').id });
    await drain();
    const before = outbox().length;
    await reply(receipt.trackingCode, '内部：请核实培训通知的发布时间。', 'internal');
    await reply(receipt.trackingCode, '内部：办公室已知悉。', 'internal', 'office');
    await drain();
    expect(outbox()).toHaveLength(before);
    await reply(receipt.trackingCode, '已答复。', 'public');
    await drain();
    const afterAnswer = outbox().length;
    expect(afterAnswer).toBe(before + 1);
    await reply(receipt.trackingCode, '内部：答复已发出。', 'internal');
    await drain();
    expect(outbox()).toHaveLength(afterAnswer);
    expect(outbox().map((e) => e.text).join('\n')).not.toContain('内部');
  });

  it('tells the group again when the submitter is unsatisfied (reopened), once', async () => {
    clock.set(T0);
    const receipt = await submit({ anonymous: false, contact, unitId: unitOf('g1', 1).id });
    await reply(receipt.trackingCode, '已答复。', 'public');
    await drain();
    clock.advance(86_400_000);
    expect(await rate(receipt, 'unsatisfied', '没有回答我的问题。')).toEqual({ status: 'reopened' });
    await drain();
    const mails = mailFor(receipt.trackingCode);
    expect(mails.map((m) => m.to)).toEqual([g1.notifyEmails, [contact.email], [contact.email], g1.notifyEmails]);
    const reopened = mails[3];
    expect(reopened.subject).toMatch(/重新打开|reopened/i);
    expect(reopened.subject).not.toBe(mails[0].subject);
    expect(reopened.text).toContain(receipt.trackingCode);
    // The fresh due date: five working days from Tuesday 8 December.
    expect(reopened.text).toContain('2026年12月15日');
    expect(reopened.text).not.toContain(contact.email);
    expect(reopened.text).not.toContain('没有回答我的问题'); // the comment is for the staff console, not e-mail
  });

  it('tells the group when a follow-up reopens an answered item', async () => {
    const receipt = await submit({ anonymous: true, unitId: unitOf('g1', 2).id });
    await reply(receipt.trackingCode, '已答复。', 'public');
    const f = await http.post(`/api/submissions/${receipt.trackingCode}/follow-ups`, { body: '还有一个问题。' }, { 'X-Access-Key': receipt.accessKey });
    expect(f.json.status).toBe('reopened');
    await drain();
    const mails = mailFor(receipt.trackingCode);
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.to)).toEqual([g1.notifyEmails, g1.notifyEmails]);
    expect(mails[1].subject).toMatch(/重新打开/);
  });

  it('sends nothing for an unrouted item until the office assigns it, then tells that group', async () => {
    const receipt = await submit({ anonymous: true, unitId: undefined });
    expect(receipt.status).toBe('submitted');
    await drain();
    expect(mailFor(receipt.trackingCode)).toEqual([]);
    const assigned = await as('office').post(`/api/items/${receipt.trackingCode}/assign`, { groupId: 'g2' });
    expect(assigned.status, assigned.text).toBe(200);
    await drain();
    expect(mailFor(receipt.trackingCode).map((m) => m.to)).toEqual([g2.notifyEmails]);
    const moved = await as('office').post(`/api/items/${receipt.trackingCode}/assign`, { groupId: 'g3' });
    expect(moved.status, moved.text).toBe(200);
    await drain();
    expect(mailFor(receipt.trackingCode).map((m) => m.to)).toEqual([g2.notifyEmails, g3.notifyEmails]);
  });

  it('tells the office when an item it answered without a group is reopened', async () => {
    const receipt = await submit({ anonymous: true, unitId: undefined });
    await reply(receipt.trackingCode, '办公室直接答复。', 'public', 'office');
    await rate(receipt, 'unsatisfied');
    await drain();
    expect(mailFor(receipt.trackingCode).map((m) => m.to)).toEqual([office]);
  });

  it('never puts an access key in the outbox', () => {
    expect(outbox().length).toBeGreaterThan(5);
    expectNoAccessKeyInOutbox();
  });
});

describe('faults in sending', () => {
  it('delivers every message exactly once when the sender fails three times and then recovers', async () => {
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    let failures = 0;
    const attempts = new Map<string, number>();
    const previous = mailer.use((send) => async (message: Message) => {
      attempts.set(message.subject, (attempts.get(message.subject) ?? 0) + 1);
      // The gate's own message goes through; the next three sends fail, whatever they are.
      if (!message.text.includes(marker) && failures < 3) {
        failures++;
        throw namedError('TooManyRequestsException', 'Maximum sending rate exceeded.');
      }
      return send(message);
    });
    try {
      // Hold the poller on one message so the next three items reach it in one page (one batch).
      const blocker = await submit({ title: marker, unitId: unitOf('g1').id });
      await gate.reached;
      const items = [
        await submit({ anonymous: false, contact, unitId: unitOf('g1', 1).id }),
        await submit({ unitId: unitOf('g2').id }),
        await submit({ unitId: unitOf('g3').id }),
      ];
      gate.release();
      await drain();
      expect(failures).toBe(3);
      for (const [receipt, group] of [
        [blocker, g1],
        [items[0], g1],
        [items[1], g2],
        [items[2], g3],
      ] as const) {
        const mails = mailFor(receipt.trackingCode);
        // The one with an e-mail address also gets its acknowledgement.
        expect(mails.map((m) => m.to), receipt.trackingCode).toEqual(receipt === items[0] ? [group.notifyEmails, [contact.email]] : [group.notifyEmails]);
        expect(mailFor(receipt.trackingCode, 'failed')).toEqual([]);
      }
      // Some message was tried more than once: the retries did happen.
      expect(Math.max(...attempts.values())).toBeGreaterThan(1);
      const counts = sentCounts([blocker, ...items].map((r) => r.trackingCode));
      // Four groups' notices and one acknowledgement.
      expect(counts.size).toBe(5);
      for (const [message, n] of counts) expect(n, message).toBe(1);
    } finally {
      mailer.restore(previous);
      gate.restore();
    }
  });

  it('keeps a message that fails for good in the table, with the reason, and delivers the rest of the batch', async () => {
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    const rejected: string[] = [];
    const previous = mailer.use((send) => async (message: Message) => {
      if (message.to.includes(g2.notifyEmails[0])) {
        rejected.push(message.subject);
        throw namedError('MessageRejected', 'Email address is on the suppression list.');
      }
      return send(message);
    });
    try {
      const blocker = await submit({ title: marker, unitId: unitOf('g1').id });
      await gate.reached;
      const before = await submit({ unitId: unitOf('g1', 1).id });
      const doomed = await submit({ unitId: unitOf('g2', 1).id });
      const after = await submit({ unitId: unitOf('g3', 1).id });
      gate.release();
      await drain();

      for (const ok of [blocker, before, after]) {
        expect(mailFor(ok.trackingCode), ok.trackingCode).toHaveLength(1);
        expect(mailFor(ok.trackingCode, 'failed')).toEqual([]);
      }
      expect(mailFor(doomed.trackingCode)).toEqual([]);
      // Never given up (no on-failure entry): kept in full, with the reason, for a redrive or a person.
      expect(mailFor(doomed.trackingCode, 'failed')).toEqual([]);
      const { listKeptNotices } = await import('../../shared/data/kept-notices');
      const kept = (await listKeptNotices(stack.deps)).filter((n) => n.dedupKey === `${doomed.trackingCode}#1#assigned`);
      expect(kept).toEqual([expect.objectContaining({ reason: 'MessageRejected', message: expect.objectContaining({ to: g2.notifyEmails, subject: expect.stringContaining(doomed.trackingCode) }) })]);
      // Sent once per delivery of its record: the first try and the worker's retries, then kept.
      expect(rejected).toHaveLength(streamWorker.sendAttempts);
    } finally {
      mailer.restore(previous);
      gate.restore();
    }
    // The stream moves on: the next item goes out normally.
    const next = await submit({ unitId: unitOf('g2', 2).id });
    await drain();
    expect(mailFor(next.trackingCode).map((m) => m.to)).toEqual([g2.notifyEmails]);
  });

  it('retries the rest of a batch after a crash half way through, sending nothing twice', async () => {
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    let delivered = 0;
    let crashed = false;
    const previous = mailer.use((send) => async (message: Message) => {
      // After two messages of the batch went out, the third send crashes the invocation once.
      if (!message.text.includes(marker) && delivered === 2 && !crashed) {
        crashed = true;
        throw namedError('TimeoutError', 'socket hang up');
      }
      await send(message);
      if (!message.text.includes(marker)) delivered++;
    });
    try {
      const blocker = await submit({ title: marker, unitId: unitOf('g1').id });
      await gate.reached;
      const items = [
        await submit({ unitId: unitOf('g1', 1).id }),
        await submit({ unitId: unitOf('g2').id }),
        await submit({ unitId: unitOf('g3').id }),
        await submit({ unitId: unitOf('g1', 2).id }),
      ];
      gate.release();
      await drain();
      expect(crashed).toBe(true);
      for (const receipt of [blocker, ...items]) {
        expect(mailFor(receipt.trackingCode), receipt.trackingCode).toHaveLength(1);
        expect(mailFor(receipt.trackingCode, 'failed')).toEqual([]);
      }
      expect(delivered).toBe(items.length);
    } finally {
      mailer.restore(previous);
      gate.restore();
    }
  });

  it('takes over the claim of a sender that died mid-send once its lease is over, and sends once', async () => {
    clock.set(T0);
    const { claimNotification, leaseMs } = await import('../../shared/data/notifications');
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    let stuck: Receipt;
    try {
      await submit({ title: marker, unitId: unitOf('g1').id });
      await gate.reached;
      stuck = await submit({ unitId: unitOf('g2').id });
      // Another attempt claimed this message and died before marking it sent.
      expect(await claimNotification(stack.deps, `${stuck.trackingCode}#1#assigned`, clock.now())).toEqual({ state: 'claimed' });
      clock.advance(leaseMs + 1_000);
      gate.release();
      await drain();
    } finally {
      gate.restore();
    }
    expect(mailFor(stuck.trackingCode).map((m) => m.to)).toEqual([g2.notifyEmails]);
    expect(mailFor(stuck.trackingCode, 'failed')).toEqual([]);
  });

  it('does not send a message another sender is sending right now: it waits and finds it sent', async () => {
    clock.set(T0);
    const { claimNotification, markNotificationSent } = await import('../../shared/data/notifications');
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    const failedBefore = outbox().filter((e) => e.status === 'failed').length;
    let busy: Receipt;
    try {
      await submit({ title: marker, unitId: unitOf('g1').id });
      await gate.reached;
      busy = await submit({ unitId: unitOf('g3').id });
      const key = `${busy.trackingCode}#1#assigned`;
      // Another attempt holds the claim and is still sending when the poller reaches the record...
      expect(await claimNotification(stack.deps, key, clock.now())).toEqual({ state: 'claimed' });
      gate.release();
      // ...and finishes a moment later.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await markNotificationSent(stack.deps, key);
      await drain();
    } finally {
      gate.restore();
    }
    expect(mailFor(busy.trackingCode)).toEqual([]);
    expect(outbox().filter((e) => e.status === 'failed').slice(failedBefore)).toEqual([]);
  });

  it('never puts an access key in the outbox or a kept notice, failures included', async () => {
    const { listKeptNotices } = await import('../../shared/data/kept-notices');
    const kept = JSON.stringify(await listKeptNotices(stack.deps));
    expect(kept).toContain('MessageRejected');
    for (const key of accessKeys) expect(kept).not.toContain(key);
    expectNoAccessKeyInOutbox();
  });
});

describe('a restarted poller', () => {
  it('replays from an older checkpoint and sends nothing twice (the dedup claims)', async () => {
    await drain();
    const checkpoint = new Map(poller.checkpoints);
    const items = [await submit({ anonymous: false, contact, unitId: unitOf('g1').id }), await submit({ unitId: unitOf('g2').id })];
    await reply(items[0].trackingCode, '已答复。', 'public');
    await drain();
    const before = outbox();
    expect(mailFor(items[0].trackingCode)).toHaveLength(3);
    expect(mailFor(items[1].trackingCode)).toHaveLength(1);

    // A new poller that starts from before these records: every one of them is handled again.
    const seen: string[] = [];
    const previous = mailer.use((send) => async (message) => {
      seen.push(message.subject);
      return send(message);
    });
    try {
      await poller.stop();
      poller = await startPoller(checkpoint);
      await drain();
    } finally {
      mailer.restore(previous);
    }
    expect(seen).toEqual([]);
    expect(outbox()).toEqual(before);

    // And it goes on with what comes next.
    const next = await submit({ unitId: unitOf('g3').id });
    await drain();
    expect(mailFor(next.trackingCode).map((m) => m.to)).toEqual([g3.notifyEmails]);
  });

  it('resumes after a stop with records pending: nothing skipped, nothing sent twice', async () => {
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    let pending: Receipt[];
    let blocker: Receipt;
    try {
      blocker = await submit({ title: marker, unitId: unitOf('g1').id });
      await gate.reached;
      pending = [
        await submit({ anonymous: false, contact, unitId: unitOf('g1', 1).id }),
        await submit({ unitId: unitOf('g2').id }),
        await submit({ unitId: unitOf('g3').id }),
      ];
      // Stop while the poller is in the middle of a batch and these records wait in the stream.
      const stopped = poller.stop();
      gate.release();
      await stopped;
    } finally {
      gate.restore();
    }
    expect(mailFor(blocker.trackingCode)).toHaveLength(1);
    for (const receipt of pending) expect(mailFor(receipt.trackingCode)).toEqual([]);

    await reply(pending[0].trackingCode, '已答复。', 'public');
    poller = await startPoller(poller.checkpoints);
    await drain();
    expect(mailFor(blocker.trackingCode)).toHaveLength(1);
    expect(mailFor(pending[0].trackingCode).map((m) => m.to)).toEqual([g1.notifyEmails, [contact.email], [contact.email]]);
    expect(mailFor(pending[1].trackingCode).map((m) => m.to)).toEqual([g2.notifyEmails]);
    expect(mailFor(pending[2].trackingCode).map((m) => m.to)).toEqual([g3.notifyEmails]);
    const counts = sentCounts([blocker, ...pending].map((r) => r.trackingCode));
    // Four groups' notices, an acknowledgement and a reply.
    expect(counts.size).toBe(6);
    for (const [message, n] of counts) expect(n, message).toBe(1);
  });

  it('leaves a send that fails while the poller stops to the next poller, rather than giving it up', async () => {
    const marker = `gate-${randomUUID()}`;
    const gate = gateOn(marker);
    // A transient fault of the sender, exactly while the poller is shutting down.
    let faulty = false;
    const previous = mailer.use((send) => async (message: Message) => {
      if (faulty && message.text.includes(marker)) throw namedError('TooManyRequestsException', 'Maximum sending rate exceeded.');
      return send(message);
    });
    let blocker: Receipt;
    try {
      blocker = await submit({ title: marker, unitId: unitOf('g2').id });
      await gate.reached;
      faulty = true;
      const stopped = poller.stop();
      gate.fail(namedError('TooManyRequestsException', 'Maximum sending rate exceeded.'));
      await stopped;
    } finally {
      mailer.restore(previous);
      gate.restore();
    }
    // The sender is fine again; a new poller takes over from the checkpoints.
    poller = await startPoller(poller.checkpoints);
    await drain();
    expect(mailFor(blocker.trackingCode, 'failed')).toEqual([]);
    expect(mailFor(blocker.trackingCode).map((m) => m.to)).toEqual([g2.notifyEmails]);
  });

  it('never puts an access key in the outbox, after all of it', () => {
    expectNoAccessKeyInOutbox();
  });
});
