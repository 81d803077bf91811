import { changeItem } from '../data/change-item';
import type { Deps } from '../deps';
import type { ItemChange, ItemRecord } from '../data/items';
import { answeredBeforeCodes, awaitingUrgeRows, contactKeptBeforeCodes, dueSoonCodes, overdueCodes, rectificationsDueBetween } from '../data/due';
import { discardKeptNotice, listKeptNoticesOf } from '../data/kept-notices';
import { isSubmitterNotice } from '../data/keys';
import { endedAt } from '../data/item-index-keys';
import { addCalendarDays, addWorkingDays, localDate } from '../domain/calendar';
import { reminderDue } from '../domain/rectification';
import { UnavailableError } from '../domain/errors';
import { isOpen, nextStatus } from '../domain/lifecycle';
import { logger } from '../observability/logger';
import { escalationOf } from '../schemas/directory';
import { calendarOf, requireDirectory } from './directory';

/**
 * The sweeper, run on a schedule (every `scheduleWorker.everyMinutes` deployed, shared/workers.ts; a timer and `npm run sweep` locally):
 * The escalation ladder (API.md v2; the directory's `escalation`, in the office's working days):
 *   - marks items due within `remindBeforeWorkingDays` working days as reminded, once per due date
 *     (the stream then reminds the group);
 *   - marks each open item past its due date as overdue, once per due date (the change stream then
 *     tells the group and the office);
 *   - urges (催办) each item still open `urgeAfterWorkingDays` working days after its due date, once
 *     per due date: `urgedFor` and `urgedAt` (the stream then tells the group and the leaders);
 *   - marks each rectification whose deadline is within `remindBeforeWorkingDays` working days as
 *     reminded, once per deadline (the stream then tells the unit's liaisons);
 * and besides:
 *   - closes answered items the submitter has not rated after Settings.autoCloseDays days;
 *   - removes the submitter's contact details from items that ended (closed, rejected, merged)
 *     Settings.contactRetentionDays days ago: personal information is kept no longer than needed.
 *     The history entry says so and holds no contact; a submitter's later e-mails have no address.
 * Each is one ordinary versioned change with its history entry, so the sweeper never races staff
 * blindly: a change that loses a race is recomputed on the fresh item.
 */
const system = { type: 'system' as const, name: 'sweeper' };

/**
 * Applies `decide` to the fresh item (shared/data/change-item.ts); null from `decide` means there
 * is nothing (left) to do. An item that stays contested beyond the lost-race policy is left to
 * the next sweep.
 */
const change = async (deps: Deps, code: string, decide: (item: ItemRecord) => ItemChange | null): Promise<boolean> => {
  try {
    return (await changeItem(deps, code, (current) => (current ? decide(current.item) : null))) !== null;
  } catch (error) {
    if (!(error instanceof UnavailableError)) throw error;
    logger.warn('sweeper gave up on a busy item', { trackingCode: code });
    return false;
  }
};

/**
 * A removed contact leaves no copy behind: the item's kept acknowledgement and reply notices
 * (addressed to the submitter's e-mail, shared/data/kept-notices.ts) are discarded with it. One a redrive is
 * sending right now is left to the next sweep.
 */
const forgetRepliesToSubmitter = async (deps: Deps, code: string, now: Date) => {
  for (const notice of await listKeptNoticesOf(deps, code)) {
    if (isSubmitterNotice(notice.dedupKey)) await discardKeptNotice(deps, notice.dedupKey, now);
  }
};

export const sweep = async (deps: Deps, now: Date = deps.clock.now()) => {
  const { autoCloseDays } = deps.settings;
  const at = now.toISOString();
  const directory = await requireDirectory(deps);
  const calendar = calendarOf(directory);
  const escalation = escalationOf(directory);
  const result = { overdue: 0, reminded: 0, urged: 0, autoClosed: 0, contactsRemoved: 0, rectificationsReminded: 0 };

  for (const code of await overdueCodes(deps, at)) {
    const done = await change(deps, code, (item) =>
      isOpen(item.status) && item.dueAt && item.dueAt < at && item.overdueNotifiedFor !== item.dueAt
        ? { set: { overdueNotifiedFor: item.dueAt }, event: { at, action: 'overdue', by: system, note: `due ${item.dueAt}` } }
        : null,
    );
    if (done) result.overdue++;
  }

  const soon = addWorkingDays(now, escalation.remindBeforeWorkingDays, calendar).toISOString();
  for (const code of await dueSoonCodes(deps, at, soon)) {
    const done = await change(deps, code, (item) =>
      isOpen(item.status) && item.dueAt && item.dueAt >= at && item.dueAt <= soon && item.remindedFor !== item.dueAt
        ? { set: { remindedFor: item.dueAt }, event: { at, action: 'remind', by: system, note: `due ${item.dueAt}` } }
        : null,
    );
    if (done) result.reminded++;
  }

  // Urged once the `urgeAfterWorkingDays`-th working day after the due date has ended (as overdue
  // starts once the due day has): decided on the due date each index row carries, so an item that
  // is not yet that late is never read.
  const urgeFrom = new Map<string, boolean>();
  const lateEnough = (dueAt: string) => {
    let late = urgeFrom.get(dueAt);
    if (late === undefined) urgeFrom.set(dueAt, (late = addWorkingDays(new Date(dueAt), escalation.urgeAfterWorkingDays, calendar) < now));
    return late;
  };
  for (const row of await awaitingUrgeRows(deps, at)) {
    if (!lateEnough(row.dueAt)) continue;
    const done = await change(deps, row.trackingCode, (item) =>
      isOpen(item.status) && item.dueAt && item.overdueNotifiedFor === item.dueAt && item.urgedFor !== item.dueAt && lateEnough(item.dueAt)
        ? { set: { urgedFor: item.dueAt, urgedAt: at }, event: { at, action: 'urge', by: system, note: `due ${item.dueAt}` } }
        : null,
    );
    if (done) result.urged++;
  }

  // Deadlines are local dates: a deadline is never before its effective day, so the candidates are
  // those up to the remindBefore-th working day from today (a fortnight back covers a deadline a
  // holiday moved past today); each is decided on its fresh item.
  const today = localDate(now, calendar.timezone);
  const lastDay = localDate(addWorkingDays(now, escalation.remindBeforeWorkingDays, calendar), calendar.timezone);
  for (const code of await rectificationsDueBetween(deps, addCalendarDays(today, -14), lastDay)) {
    const done = await change(deps, code, (item) => {
      const rect = item.rectification;
      if (!rect || rect.remindedFor === rect.deadline || !reminderDue(rect, today, escalation.remindBeforeWorkingDays, calendar)) return null;
      return { set: { rectification: { ...rect, remindedFor: rect.deadline } }, event: { at, action: 'rectification-remind', by: system, note: rect.deadline } };
    });
    if (done) result.rectificationsReminded++;
  }

  const answeredBefore = new Date(now.getTime() - autoCloseDays * 86_400_000).toISOString();
  for (const code of await answeredBeforeCodes(deps, answeredBefore)) {
    const done = await change(deps, code, (item) => {
      const to = nextStatus(item.status, 'auto-close');
      if (!to || !item.answeredAt || item.answeredAt >= answeredBefore) return null;
      return {
        set: { status: to, closedAt: at },
        event: { at, action: 'auto-close', by: system, from: item.status, to, note: `not rated within ${autoCloseDays} days` },
      };
    });
    if (done) result.autoClosed++;
  }

  const { contactRetentionDays } = deps.settings;
  const endedBefore = new Date(now.getTime() - contactRetentionDays * 86_400_000).toISOString();
  for (const code of await contactKeptBeforeCodes(deps, endedBefore)) {
    // Decided on the fresh item: one reopened or already cleared meanwhile is left alone.
    const done = await change(deps, code, (item) => {
      const ended = endedAt(item);
      if (item.contact === undefined || !ended || ended >= endedBefore) return null;
      return {
        set: { contact: undefined },
        event: { at, action: 'remove-contact', by: system, note: `contact details removed ${contactRetentionDays} days after the item ended` },
      };
    });
    if (done) {
      result.contactsRemoved++;
      await forgetRepliesToSubmitter(deps, code, now);
    }
  }
  return result;
};
