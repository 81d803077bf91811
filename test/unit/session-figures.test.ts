import { describe, expect, it } from 'vitest';
import { ratingFigures, sessionItemFigures, type SessionItemRow } from '../../shared/domain/session-figures';

const row = (over: Partial<SessionItemRow>): SessionItemRow => ({ kind: 'question', status: 'assigned', groupId: 'g1', answeredOnSpot: false, overdue: false, ...over });

describe('a session’s item figures', () => {
  it('counts each outcome as a list filter would', () => {
    const figures = sessionItemFigures([
      row({ status: 'closed', answeredOnSpot: true }),
      row({ status: 'closed', answeredOnSpot: true, groupId: undefined }),
      row({ status: 'closed' }),
      row({ status: 'answered', kind: 'problem' }),
      row({ status: 'assigned', overdue: true }),
      row({ status: 'submitted', groupId: undefined, kind: 'suggestion' }),
      row({ status: 'rejected', kind: 'feedback' }),
    ]);
    expect(figures).toEqual({
      total: 7,
      byKind: { feedback: 1, question: 4, suggestion: 1, problem: 1, practice: 0 },
      answeredOnSpot: 2,
      routed: 4,
      answered: 1,
      closed: 1,
      open: 2,
      overdue: 1,
    });
  });

  it('is all zeros, every kind listed, for no items', () => {
    expect(sessionItemFigures([])).toEqual({ total: 0, byKind: { feedback: 0, question: 0, suggestion: 0, problem: 0, practice: 0 }, answeredOnSpot: 0, routed: 0, answered: 0, closed: 0, open: 0, overdue: 0 });
  });
});

describe('a session’s rating figures', () => {
  const five = [{ score: 5, comment: '好' }, { score: 4 }, { score: 4, comment: '实用' }, { score: 2 }, { score: 1, comment: '太长' }];

  it('shows only the count below minCount', () => {
    expect(ratingFigures(five.slice(0, 4), 5)).toEqual({ count: 4, average: null, distribution: null, comments: null });
    expect(ratingFigures([], 1)).toEqual({ count: 0, average: null, distribution: null, comments: null });
  });

  it('from minCount on: the average to two places, the distribution with zeros, the comments in order', () => {
    expect(ratingFigures(five, 5)).toEqual({ count: 5, average: 3.2, distribution: { 1: 1, 2: 1, 3: 0, 4: 2, 5: 1 }, comments: ['好', '实用', '太长'] });
    expect(ratingFigures([{ score: 5 }, { score: 4 }, { score: 4 }], 1).average).toBe(4.33);
  });
});
