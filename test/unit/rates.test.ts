import { describe, expect, it } from 'vitest';
import { contributions, counterDeltas, countName, type CountedItem } from '../../shared/domain/counters';
import { firstResponse, rateOf, ratesOf } from '../../shared/domain/rates';

const routed: CountedItem = {
  phase: 'study',
  groupId: 'g1',
  kind: 'question',
  status: 'assigned',
  createdAt: '2026-12-07T02:00:00.000Z',
  routedAt: '2026-12-07T02:00:00.000Z',
  respondBy: '2026-12-08T15:59:59.999Z',
};

describe('rateOf', () => {
  it('divides to three decimals and is null with nothing to divide by', () => {
    expect(rateOf(2, 3)).toEqual({ numerator: 2, denominator: 3, rate: 0.667 });
    expect(rateOf(1, 8)).toEqual({ numerator: 1, denominator: 8, rate: 0.125 });
    expect(rateOf(5, 5).rate).toBe(1);
    expect(rateOf(0, 4).rate).toBe(0);
    expect(rateOf(0, 0)).toEqual({ numerator: 0, denominator: 0, rate: null });
  });
});

describe('ratesOf', () => {
  it('counts each rate from its own counts', () => {
    const counts = {
      [countName.responseInTime]: 6,
      [countName.responseLate]: 2,
      [countName.resolved('yes')]: 3,
      [countName.resolved('partly')]: 1,
      [countName.resolved('no')]: 1,
      [countName.rating('satisfied')]: 4,
      [countName.rating('basically')]: 2,
      [countName.rating('unsatisfied')]: 1,
    };
    // Two routed items not acted on: one whose window ended before now, one still inside it.
    const now = '2026-12-09T02:00:00.000Z';
    counts[countName.respondBy('2026-12-08T15:59:59.999Z')] = 2;
    counts[countName.respondBy('2026-12-09T15:59:59.999Z')] = 5;
    expect(ratesOf(counts, now)).toEqual({
      // 6 in time over 6 + 2 late + 2 whose window passed without action.
      response: { numerator: 6, denominator: 10, rate: 0.6 },
      resolution: { numerator: 3, denominator: 5, rate: 0.6 },
      satisfaction: { numerator: 6, denominator: 7, rate: 0.857 },
    });
  });

  it('has no rate for what nothing counts yet', () => {
    expect(ratesOf({}, '2026-12-09T02:00:00.000Z')).toEqual({
      response: { numerator: 0, denominator: 0, rate: null },
      resolution: { numerator: 0, denominator: 0, rate: null },
      satisfaction: { numerator: 0, denominator: 0, rate: null },
    });
    // Items only waiting past their window: a response rate of 0, not null.
    expect(ratesOf({ [countName.respondBy('2026-12-08T15:59:59.999Z')]: 3 }, '2026-12-09T02:00:00.000Z').response).toEqual({ numerator: 0, denominator: 3, rate: 0 });
    // A window ending exactly now has not passed yet.
    expect(ratesOf({ [countName.respondBy('2026-12-08T15:59:59.999Z')]: 3 }, '2026-12-08T15:59:59.999Z').response.denominator).toBe(0);
  });
});

describe('the response counts', () => {
  it('waits in the slot of its window until acted on, then counts in time or late, once', () => {
    const waiting = countName.respondBy(routed.respondBy!);
    expect(contributions(routed)[waiting]).toBe(1);
    expect(contributions(routed)[countName.responseInTime]).toBeUndefined();

    const inTime = { ...routed, status: 'in_progress' as const, respondedAt: routed.respondBy };
    expect(counterDeltas(routed, inTime)).toEqual([{ phase: 'study', groupId: 'g1', counts: { [waiting]: -1, [countName.responseInTime]: 1, status_assigned: -1, status_in_progress: 1 } }]);

    const late = { ...routed, status: 'answered' as const, respondedAt: '2026-12-08T16:00:00.000Z' };
    expect(contributions(late)[countName.responseLate]).toBe(1);
    expect(contributions(late)[countName.responseInTime]).toBeUndefined();
    expect(contributions(late)[waiting]).toBeUndefined();
    // Later changes (a reopening) move nothing between the response counts.
    expect(Object.keys(counterDeltas(late, { ...late, status: 'reopened' })[0].counts).filter((n) => n.startsWith('respon'))).toEqual([]);
  });

  it('leaves items never routed out of the response rate', () => {
    const officeQueue: CountedItem = { phase: 'study', kind: 'question', status: 'submitted', createdAt: routed.createdAt };
    expect(Object.keys(contributions(officeQueue)).filter((n) => n.startsWith('respon'))).toEqual([]);
    expect(Object.keys(contributions({ ...officeQueue, status: 'closed' })).filter((n) => n.startsWith('respon'))).toEqual([]);
  });

  it('takes the first staff action after routing as the response, and only that one', () => {
    expect(firstResponse({}, '2026-12-07T03:00:00.000Z')).toEqual({});
    expect(firstResponse({ routedAt: routed.routedAt }, '2026-12-07T03:00:00.000Z')).toEqual({ respondedAt: '2026-12-07T03:00:00.000Z' });
    expect(firstResponse({ routedAt: routed.routedAt, respondedAt: '2026-12-07T03:00:00.000Z' }, '2026-12-09T03:00:00.000Z')).toEqual({});
  });
});
