import { describe, expect, it } from 'vitest';
import {
  effectiveDeadline,
  isRectificationOverdue,
  nextRectificationStatus,
  rectificationDueAt,
  rectificationStatuses,
  reminderDue,
  type RectificationAction,
  type RectificationStatus,
} from '../../shared/domain/rectification';

/**
 * The rectification state machine written out by hand from API.md ("Rectification"): one row per
 * action, one column per status (none first), the status after it or null (409).
 */
const _ = null;
const columns: (RectificationStatus | undefined)[] = [undefined, 'planned', 'in_progress', 'submitted', 'verified', 'returned'];
const expected: Record<RectificationAction, (RectificationStatus | null)[]> = {
  //           none        planned        in_progress    submitted    verified  returned
  // PUT: "Creates or replaces the plan while it is planned or returned."
  plan: /*  */ ['planned', 'planned', _, _, _, 'planned'],
  // "the first progress moves planned -> in_progress"; a returned one is back with the unit.
  progress: [_, 'in_progress', 'in_progress', _, _, 'in_progress'],
  // "done: true moves it to submitted (waiting for verification)".
  done: /*  */ [_, 'submitted', 'submitted', _, _, 'submitted'],
  // "only when submitted (else 409)".
  verify: /**/ [_, _, _, 'verified', _, _],
  return: /**/ [_, _, _, 'returned', _, _],
};

describe('the rectification state machine', () => {
  it('has the statuses of the contract', () => {
    expect([...rectificationStatuses].sort()).toEqual(['in_progress', 'planned', 'returned', 'submitted', 'verified']);
  });
  for (const [action, row] of Object.entries(expected) as [RectificationAction, (RectificationStatus | null)[]][]) {
    columns.forEach((status, i) => {
      it(`${action} from ${status ?? 'none'} → ${row[i] ?? '409'}`, () => {
        expect(nextRectificationStatus(status, action)).toBe(row[i]);
      });
    });
  }
  it('walks the whole loop: plan → progress → done → returned → progress → done → verified', () => {
    let s: RectificationStatus | undefined;
    for (const [action, to] of [
      ['plan', 'planned'],
      ['progress', 'in_progress'],
      ['done', 'submitted'],
      ['return', 'returned'],
      ['progress', 'in_progress'],
      ['done', 'submitted'],
      ['verify', 'verified'],
    ] as const) {
      s = nextRectificationStatus(s, action)!;
      expect(s).toBe(to);
    }
  });
});

describe('deadlines by the working calendar', () => {
  // 2026-10-01..07 national holiday; 2026-10-10 (Saturday) a make-up working day.
  const cal = { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] };

  it('a deadline on a working day stays; on a holiday or weekend it moves to the next working day', () => {
    expect(effectiveDeadline('2026-09-30', cal)).toBe('2026-09-30');
    expect(effectiveDeadline('2026-10-01', cal)).toBe('2026-10-08');
    expect(effectiveDeadline('2026-10-03', cal)).toBe('2026-10-08');
    expect(effectiveDeadline('2026-10-10', cal)).toBe('2026-10-10');
    expect(effectiveDeadline('2026-10-11', cal)).toBe('2026-10-12');
  });

  it('is overdue only once the effective deadline day has ended in the directory’s zone, and only while the unit owes work', () => {
    const dueAt = rectificationDueAt('2026-10-01', { ...cal, timezone: 'Asia/Shanghai' });
    // The end of 2026-10-08 in Shanghai (UTC+8).
    expect(dueAt).toBe('2026-10-08T15:59:59.999Z');
    const rect = { status: 'in_progress' as const, dueAt };
    expect(isRectificationOverdue(rect, new Date('2026-10-08T15:59:59.000Z'))).toBe(false);
    expect(isRectificationOverdue(rect, new Date('2026-10-08T16:00:00.000Z'))).toBe(true);
    const later = new Date('2026-10-09T01:00:00.000Z');
    for (const status of ['planned', 'returned'] as const) expect(isRectificationOverdue({ ...rect, status }, later)).toBe(true);
    for (const status of ['submitted', 'verified'] as const) expect(isRectificationOverdue({ ...rect, status }, later)).toBe(false);
  });

  it('reminds within the working days before the deadline, not earlier, not after it', () => {
    const rect = { status: 'planned' as const, deadline: '2026-10-08' };
    // 2026-09-30 (Wed) → 10-08: only 10-08 is a working day in between: one working day left.
    expect(reminderDue(rect, '2026-09-29', 1, cal)).toBe(false);
    expect(reminderDue(rect, '2026-09-30', 1, cal)).toBe(true);
    expect(reminderDue(rect, '2026-10-08', 1, cal)).toBe(true);
    expect(reminderDue(rect, '2026-10-09', 1, cal)).toBe(false);
    expect(reminderDue({ ...rect, status: 'submitted' }, '2026-10-08', 1, cal)).toBe(false);
  });
});
