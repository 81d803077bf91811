import type { Deps } from '../deps';
import type { ItemExtension } from '../data/items';
import { addWorkingDays } from '../domain/calendar';
import { personOf } from '../domain/access';
import { ConflictError } from '../domain/errors';
import { calendarOf, directoryMeanwhile } from './directory';
import { history, mutate, withView, type ChangeTarget } from './item-actions';

/**
 * Deadline extensions (API.md v2, "Deadline extensions"): the item's group (or the office) asks for
 * more working days with a reason; the office approves or declines. One open request at a time.
 * Both go through the one way to change an item, each with its history entry.
 */


export const requestExtension = async (deps: Deps, target: ChangeTarget, input: { workingDays: number; reason: string }) => {
  const { principal } = target;
  const changed = await mutate(deps, {
    ...target,
    action: 'request-extension',
    lifecycle: 'extension',
    change: (current, to, now) => {
      if (!current.dueAt) throw new ConflictError('The item has no due date to extend: it has not been routed to a group yet.');
      if (current.extension?.status === 'requested') throw new ConflictError('An extension request for this item is already waiting for the office.');
      const at = now.toISOString();
      const extension: ItemExtension = { status: 'requested', workingDays: input.workingDays, reason: input.reason, requestedBy: personOf(principal), requestedAt: at };
      return {
        set: { extension, updatedAt: at },
        event: history(principal, current, to, now, 'extension-request', `+${input.workingDays}: ${input.reason}`),
      };
    },
  });
  return withView(deps, principal, changed);
};

export const decideExtension = async (deps: Deps, target: ChangeTarget, input: { approve: boolean; note?: string }) => {
  const { principal } = target;
  // The office's calendar, read beside the item.
  const calendar = directoryMeanwhile(deps);
  const changed = await mutate(deps, {
    ...target,
    action: 'decide-extension',
    lifecycle: 'extension',
    prerequisite: calendar,
    change: async (current, to, now) => {
      const directory = await calendar;
      const asked = current.extension;
      if (asked?.status !== 'requested') throw new ConflictError('There is no extension request waiting for a decision on this item.');
      const at = now.toISOString();
      const decided = { decidedBy: personOf(principal), decidedAt: at, ...(input.note ? { note: input.note } : {}) };
      if (input.approve && !current.dueAt) throw new ConflictError('The item has no due date to extend.');
      if (!input.approve || !current.dueAt) {
        return {
          set: { extension: { ...asked, ...decided, status: 'declined' }, updatedAt: at },
          event: history(principal, current, to, now, 'extension-decline', input.note),
        };
      }
      // From the current due date, in the office's working days: the end of the n-th working day after it.
      const dueAt = addWorkingDays(new Date(current.dueAt), asked.workingDays, calendarOf(directory)).toISOString();
      return {
        set: { dueAt, extension: { ...asked, ...decided, status: 'approved', previousDueAt: current.dueAt, dueAt }, updatedAt: at },
        event: history(principal, current, to, now, 'extension-approve', `${current.dueAt} → ${dueAt}${input.note ? `: ${input.note}` : ''}`),
      };
    },
  });
  return withView(deps, principal, changed);
};
