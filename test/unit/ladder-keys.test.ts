import { describe, expect, it } from 'vitest';
import { extensionRequestedOfListSortKey, itemIndexKeys, listRankOf, originOfListSortKey, urgedAtOfListSortKey } from '../../shared/data/item-index-keys';
import { demoDirectory } from '../../shared/demo/directory';
import { templates } from '../../shared/notify/templates';
import { planList } from '../../shared/services/item-lists';

/** The ladder's keys: the sweeper's gsi6 work lists, the urged list, and the urged mark carried by every list key. */

const base = {
  trackingCode: 'YJ-ABCD-EFGH',
  createdAt: '2026-12-07T02:00:00.000Z',
  kind: 'question',
  groupId: 'g1',
  dueAt: '2026-12-14T15:59:59.999Z',
} as const;
const urgedAt = '2026-12-17T16:00:00.001Z';

describe('gsi6: where an open item with a due date waits on the ladder', () => {
  it('DUE until reported overdue, URGE until urged, URGED (by list key) once urged for that due date', () => {
    expect(itemIndexKeys({ ...base, status: 'assigned' })).toMatchObject({ gsi6pk: 'DUE', gsi6sk: `${base.dueAt}#${base.trackingCode}` });
    expect(itemIndexKeys({ ...base, status: 'assigned', overdueNotifiedFor: base.dueAt })).toMatchObject({ gsi6pk: 'URGE', gsi6sk: `${base.dueAt}#${base.trackingCode}` });
    const urged = itemIndexKeys({ ...base, status: 'in_progress', overdueNotifiedFor: base.dueAt, urgedFor: base.dueAt, urgedAt });
    expect(urged.gsi6pk).toBe('URGED');
    expect(urged.gsi6sk).toBe(urged.gsi1sk);
    // A new due date (an extension) starts the ladder again.
    expect(itemIndexKeys({ ...base, status: 'assigned', dueAt: '2026-12-21T15:59:59.999Z', overdueNotifiedFor: base.dueAt, urgedFor: base.dueAt, urgedAt }).gsi6pk).toBe('DUE');
    // Answered: off the ladder, waiting for a rating.
    expect(itemIndexKeys({ ...base, status: 'answered', answeredAt: urgedAt, overdueNotifiedFor: base.dueAt, urgedFor: base.dueAt, urgedAt }).gsi6pk).toBe('ANSWERED');
  });
});

describe('the urged mark at the end of every list key', () => {
  it('is read back, leaves the origin and the rank alone, and is absent on an item never urged', () => {
    const plain = itemIndexKeys({ ...base, status: 'assigned' }).gsi1sk!;
    expect(urgedAtOfListSortKey(plain)).toBeUndefined();
    const marked = itemIndexKeys({ ...base, status: 'assigned', urgedAt }).gsi1sk!;
    expect(marked).toBe(`${plain}#urged#${urgedAt}`);
    expect(urgedAtOfListSortKey(marked)).toBe(urgedAt);
    expect(listRankOf(marked)).toBe(listRankOf(plain));
    expect(listRankOf(marked)).toBe(`${base.createdAt}#${base.trackingCode}`);

    const session = { ...base, status: 'assigned' as const, source: 'meeting' as const, sessionCode: 'PX-AAAA-BBBB', answeredOnSpot: true };
    const sessionKey = itemIndexKeys({ ...session, urgedAt }).gsi2sk!;
    expect(originOfListSortKey(sessionKey)).toEqual({ source: 'meeting', sessionCode: 'PX-AAAA-BBBB', answeredOnSpot: true });
    expect(urgedAtOfListSortKey(sessionKey)).toBe(urgedAt);
    expect(listRankOf(sessionKey)).toBe(`${base.createdAt}#${base.trackingCode}`);
    expect(urgedAtOfListSortKey(itemIndexKeys(session).gsi2sk!)).toBeUndefined();
  });

  it('a rank sorts below every key of its item and above every older item', () => {
    const older = itemIndexKeys({ ...base, trackingCode: 'YJ-ZZZZ-ZZZZ', createdAt: '2026-12-07T01:59:59.999Z', status: 'assigned', urgedAt }).gsi1sk!;
    const rank = listRankOf(itemIndexKeys({ ...base, status: 'assigned' }).gsi1sk!);
    for (const key of [itemIndexKeys({ ...base, status: 'assigned' }).gsi1sk!, itemIndexKeys({ ...base, status: 'assigned', urgedAt }).gsi1sk!]) expect(key >= rank).toBe(true);
    expect(older < rank).toBe(true);
  });
});

describe('planList: urged=true', () => {
  const now = new Date('2026-12-18T02:00:00.000Z');
  it('reads the URGED partition, the scope and the other filters as row filters', () => {
    expect(planList(null, { urged: true }, now)).toEqual({ sources: [{ index: 'gsi6', partition: 'URGED' }], filter: { kind: undefined, phase: undefined, q: undefined } });
    const scoped = planList(['g1'], { urged: true, status: ['assigned'], unitId: 'u01' }, now);
    expect(scoped.sources).toEqual([{ index: 'gsi6', partition: 'URGED' }]);
    expect(scoped.filter).toMatchObject({ groupIds: ['g1'], statuses: ['assigned'], unitId: 'u01' });
  });
  it('a session\'s urged items: the session partition, filtered to those urged for their due date', () => {
    const plan = planList(null, { urged: true, sessionCode: 'PX-AAAA-BBBB' }, now);
    expect(plan.sources).toEqual([{ index: 'gsi8', partition: 'SESSIONITEMS#PX-AAAA-BBBB' }]);
    expect(plan.filter.urged).toBe(true);
  });
});

describe('the urging template', () => {
  it('names the item, the group, the working days and the due date, in Chinese and English', () => {
    const m = templates.urge({ ...base, title: '学习资料迟迟未发', unitId: 'u01' }, demoDirectory, ['a@example.com']);
    expect(m.to).toEqual(['a@example.com']);
    expect(m.subject).toContain('催办');
    expect(m.subject).toContain(base.trackingCode);
    for (const fact of ['第一督导组', '3个工作日', '2026年12月14日', '3 working days', '14 December 2026', '学习资料迟迟未发']) expect(m.text).toContain(fact);
  });
});

describe('the extension mark of every list key', () => {
  it('marks a waiting request only, before the urged mark, leaving the origin, the urged mark and the rank alone', () => {
    const requested = { status: 'requested' } as const;
    const plain = itemIndexKeys({ ...base, status: 'assigned' }).gsi1sk!;
    expect(extensionRequestedOfListSortKey(plain)).toBe(false);
    for (const status of ['approved', 'declined']) expect(itemIndexKeys({ ...base, status: 'assigned', extension: { status } }).gsi1sk).toBe(plain);
    const waiting = itemIndexKeys({ ...base, status: 'assigned', extension: requested, urgedAt }).gsi1sk!;
    expect(waiting).toBe(`${plain}#extension#urged#${urgedAt}`);
    expect(extensionRequestedOfListSortKey(waiting)).toBe(true);
    expect(urgedAtOfListSortKey(waiting)).toBe(urgedAt);
    expect(listRankOf(waiting)).toBe(listRankOf(plain));
    const meeting = itemIndexKeys({ ...base, status: 'assigned', extension: requested, source: 'meeting', sessionCode: 'PX-AAAA-BBBB', answeredOnSpot: true }).gsi8sk!;
    expect(originOfListSortKey(meeting)).toEqual({ source: 'meeting', sessionCode: 'PX-AAAA-BBBB', answeredOnSpot: true });
    expect(extensionRequestedOfListSortKey(meeting)).toBe(true);
    expect(originOfListSortKey(waiting)).toEqual({ source: 'form', answeredOnSpot: false });
  });

  it('extension=requested reads the open items’ lists and keeps the marked rows', () => {
    const { sources, filter } = planList(null, { extension: 'requested' }, new Date());
    expect(sources.map((s) => s.partition).sort()).toEqual(['STATUS#assigned', 'STATUS#in_progress', 'STATUS#reopened', 'STATUS#submitted']);
    expect(filter.extensionRequested).toBe(true);
    expect(planList(null, { extension: 'requested', status: ['answered'] }, new Date()).sources).toEqual([]);
  });
});
