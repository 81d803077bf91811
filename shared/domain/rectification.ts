import { addCalendarDays, endOfLocalDay, isWorkingDay, workingDaysBetween, type WorkingCalendar, type WorkingDays } from './calendar';
import type { Status } from '../schemas/submission';

/**
 * Rectification (整改, API.md v2): the state machine of a unit's fix, in one table, like the
 * item's (./lifecycle.ts). Every rectification status change goes through `nextRectificationStatus`;
 * an action the table does not allow is a 409 for the caller.
 *
 *   plan      (none) | planned | returned      -> planned      the group records or replaces the plan
 *   progress  planned | in_progress | returned -> in_progress  the unit (or group) reports what it did
 *   done      planned | in_progress | returned -> submitted    the same, saying it is finished
 *   verify    submitted                         -> verified     the group signs it off (销号)
 *   return    submitted                         -> returned     the group sends it back with a note
 */
export const rectificationStatuses = ['planned', 'in_progress', 'submitted', 'verified', 'returned'] as const;
export type RectificationStatus = (typeof rectificationStatuses)[number];

export type RectificationAction = 'plan' | 'progress' | 'done' | 'verify' | 'return';

/** `null` in `from`: the item has no rectification yet. */
export const rectificationTable: Readonly<Record<RectificationAction, { readonly from: readonly (RectificationStatus | null)[]; readonly to: RectificationStatus }>> = {
  plan: { from: [null, 'planned', 'returned'], to: 'planned' },
  progress: { from: ['planned', 'in_progress', 'returned'], to: 'in_progress' },
  done: { from: ['planned', 'in_progress', 'returned'], to: 'submitted' },
  verify: { from: ['submitted'], to: 'verified' },
  return: { from: ['submitted'], to: 'returned' },
};

/** The status after `action`, or null when the table does not allow it from `status` (undefined: no rectification). */
export const nextRectificationStatus = (status: RectificationStatus | undefined, action: RectificationAction): RectificationStatus | null => {
  const rule = rectificationTable[action];
  return rule.from.includes(status ?? null) ? rule.to : null;
};

/** The unit's turn: the statuses in which the unit owes work, so a deadline can pass on it. */
export const unitOwesWork = (status: RectificationStatus): boolean => status === 'planned' || status === 'in_progress' || status === 'returned';

/** A merged or rejected item is not rectified: its plan cannot be made (409). */
export const canPlanOnItem = (status: Status): boolean => status !== 'merged' && status !== 'rejected';

/** The most progress reports one rectification takes (the next is a 409): they bound the item's views. */
export const maxProgressReports = 50;

/**
 * The day the deadline really ends on: the deadline itself when it is a working day, else the
 * next working day (a deadline that falls on a holiday or a weekend gives the unit that day too).
 */
export const effectiveDeadline = (deadline: string, cal: WorkingDays): string => {
  let day = deadline;
  // A year without a working day is no calendar: stop there rather than loop.
  for (let i = 0; i < 366 && !isWorkingDay(day, cal); i++) day = addCalendarDays(day, 1);
  return day;
};

/**
 * The instant a deadline passes: the end of its effective day in the directory's time zone. Fixed
 * when the plan is recorded, like an item's `dueAt` when it is routed: a later change of the
 * holidays does not move a deadline already set, and every view can tell overdue without the
 * directory.
 */
export const rectificationDueAt = (deadline: string, cal: WorkingCalendar): string => endOfLocalDay(effectiveDeadline(deadline, cal), cal.timezone).toISOString();

/** Overdue: the unit still owes work and the deadline's instant (`rectificationDueAt`) has passed. */
export const isRectificationOverdue = (rect: { status: RectificationStatus; dueAt: string }, now: Date): boolean =>
  unitOwesWork(rect.status) && rect.dueAt < now.toISOString();

/**
 * The approaching-deadline reminder is due: the unit owes work, the deadline has not passed, and
 * at most `beforeWorkingDays` working days are left until it (today not counted).
 */
export const reminderDue = (rect: { status: RectificationStatus; deadline: string }, today: string, beforeWorkingDays: number, cal: WorkingDays): boolean => {
  if (!unitOwesWork(rect.status)) return false;
  const end = effectiveDeadline(rect.deadline, cal);
  return end >= today && workingDaysBetween(today, end, cal) <= beforeWorkingDays;
};
