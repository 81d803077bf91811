import { changeItem, refusedFirst, type ChangedItem } from '../data/change-item';
import type { Deps } from '../deps';
import type { EventRecord, ItemChange, ItemRecord, ItemRectification } from '../data/items';
import {
  canPlanRectification,
  canReadItem,
  canReportProgress,
  canSeeRectification,
  canVerifyRectification,
  isLiaisonFor,
  personOf,
  staffActor,
  type Principal,
} from '../domain/access';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../domain/errors';
import {
  canPlanOnItem,
  maxProgressReports,
  nextRectificationStatus,
  rectificationDueAt,
  type RectificationAction,
} from '../domain/rectification';
import { normalizeTrackingCode } from '../domain/tracking-code';
import { localDate } from '../domain/calendar';
import { calendarOf, directoryMeanwhile } from './directory';
import { toLiaisonItemView } from './rectification-views';
import { toItemView } from './views';
import type { Admission } from '../data/room';
import type { StorageDeps } from '../storage/client';
import { attachToItem } from './attach';
import type { ChangeTarget } from './item-actions';

/**
 * Rectification (整改, API.md v2): the group (or office) records the plan, the unit's liaison (or
 * the group, or the office) reports progress and says when it is done, the group (or office)
 * verifies it or sends it back. Each is one ordinary item change (shared/data/change-item.ts):
 * version checked, history entry appended, the ledger row kept in step in the same transaction.
 * Order of refusals, as for every item change: what the change needs besides the item (the plan's
 * unit and deadline against the directory: 503, 400), not visible (404), role (403), If-Match
 * (412), the state machine (409).
 */

/** The one answer for an item that is not there and one the caller may not see (404 alike). */
export const noSuchItem = () => new NotFoundError('No such item.');

/** The item as the principal may see it: the full view for staff who read it, the liaison's otherwise. */
export const viewFor = (principal: Principal, item: ItemRecord, events: readonly EventRecord[], now: Date) =>
  !canReadItem(principal, item) && item.rectification && isLiaisonFor(principal, item)
    ? toLiaisonItemView({ ...item, rectification: item.rectification }, events, now)
    : toItemView(principal, item, events, now);

interface RectificationChange extends ChangeTarget {
  readonly allowed: (principal: Principal, item: ItemRecord) => boolean;
  readonly action: RectificationAction;
  readonly decide: (item: ItemRecord, to: ReturnType<typeof nextRectificationStatus> & string, now: Date, events: readonly EventRecord[]) => ItemChange | Promise<ItemChange>;
  /** Entries for the change's transaction beyond its own (the claims of the uploads it attaches). */
  readonly claims?: Admission;
  /** Read beside the item, refusing first (shared/data/change-item.ts `ChangeOptions.prerequisite`). */
  readonly prerequisite?: Promise<unknown>;
}

const changeRectification = async (deps: Deps, { principal, id, ifMatch, allowed, action, decide, claims, prerequisite }: RectificationChange): Promise<ChangedItem> => {
  const code = normalizeTrackingCode(id);
  if (!code) throw await refusedFirst(prerequisite, noSuchItem());
  const changed = await changeItem(
    deps,
    code,
    (current, checkVersion) => {
      const item = current?.item;
      if (!item || !canSeeRectification(principal, item)) throw noSuchItem();
      if (!allowed(principal, item)) throw new ForbiddenError('Your role does not allow this on this rectification.');
      checkVersion();
      const to = nextRectificationStatus(item.rectification?.status, action);
      if (to === null) {
        throw new ConflictError(item.rectification ? `"${action}" is not possible while the rectification is ${item.rectification.status}.` : 'This item has no rectification plan yet.');
      }
      return decide(item, to, deps.clock.now(), current.events);
    },
    { withEvents: true, expectedVersion: ifMatch, admission: claims, prerequisite },
  );
  return changed!;
};

const entry = (principal: Principal, item: ItemRecord, now: Date, action: string, note?: string): ItemChange['event'] => ({
  at: now.toISOString(),
  action: `rectification-${action}`,
  by: staffActor(principal),
  from: item.status,
  to: item.status,
  ...(note ? { note } : {}),
});

const answer = (deps: Deps, principal: Principal, changed: ChangedItem) => viewFor(principal, changed.item, changed.events, deps.clock.now());

/** PUT /api/items/{id}/rectification: creates the plan, or replaces it while `planned` or `returned`. */
export const planRectification = async (
  deps: Deps,
  target: ChangeTarget & { readonly ifMatch: number },
  input: { unitId: string; measures: string; standard: string; deadline: string },
) => {
  const { principal } = target;
  // The directory, read beside the item; the plan is checked against it before anything about the item (400 before 404).
  const checked = directoryMeanwhile(deps).then((directory) => {
    if (!directory.units.some((u) => u.id === input.unitId)) throw new InvalidInputError([{ path: 'unitId', message: 'No such unit.' }]);
    if (input.deadline < localDate(deps.clock.now(), directory.campaign.timezone)) throw new InvalidInputError([{ path: 'deadline', message: 'The deadline must be today or later.' }]);
    return directory;
  });
  const changed = await changeRectification(deps, {
    ...target,
    allowed: canPlanRectification,
    action: 'plan',
    prerequisite: checked,
    decide: async (item, to, now) => {
      const directory = await checked;
      if (!canPlanOnItem(item.status)) throw new ConflictError(`A ${item.status} item is not rectified.`);
      const at = now.toISOString();
      const rectification: ItemRectification = {
        status: to,
        unitId: input.unitId,
        measures: input.measures,
        standard: input.standard,
        deadline: input.deadline,
        dueAt: rectificationDueAt(input.deadline, calendarOf(directory)),
        plannedAt: at,
        plannedBy: personOf(principal),
        updatedAt: at,
        // A replaced plan keeps the last verification (the return that asked for it) for the record.
        ...(item.rectification?.verification ? { verification: item.rectification.verification } : {}),
      };
      return { set: { rectification, updatedAt: at }, event: entry(principal, item, now, item.rectification ? 'replan' : 'plan', `${input.unitId} · ${input.deadline}`) };
    },
  });
  return answer(deps, principal, changed);
};

/**
 * POST /api/items/{id}/rectification/progress: a report with its evidence (photos re-encoded,
 * documents checked: ./attach.ts); `done` hands it over for verification.
 */
export const reportProgress = async (deps: StorageDeps, target: ChangeTarget, input: { note: string; done?: boolean; attachmentIds?: readonly string[] }) => {
  const { principal } = target;
  const done = input.done === true;
  const changed = await attachToItem(deps, target.id, input.attachmentIds, (attachments, claims) =>
    changeRectification(deps, {
      ...target,
      allowed: canReportProgress,
      action: done ? 'done' : 'progress',
      claims,
      decide: (item, to, now, events) => {
        // Counted on the version the change commits on, as replies are.
        if (events.filter((e) => e.progress).length >= maxProgressReports) throw new ConflictError(`This rectification already has ${maxProgressReports} progress reports, the most it takes.`);
        const at = now.toISOString();
        return {
          set: { rectification: { ...item.rectification!, status: to, updatedAt: at }, updatedAt: at },
          event: { ...entry(principal, item, now, done ? 'done' : 'progress'), progress: { note: input.note, done, ...(attachments ? { attachments } : {}) } },
        };
      },
    }),
  );
  return answer(deps, principal, changed);
};

/** POST /api/items/{id}/rectification/verification: signs it off (销号) or sends it back. */
export const verifyRectification = async (deps: Deps, target: ChangeTarget, input: { outcome: 'verified' | 'returned'; note: string }) => {
  const { principal } = target;
  const changed = await changeRectification(deps, {
    ...target,
    allowed: canVerifyRectification,
    action: input.outcome === 'verified' ? 'verify' : 'return',
    decide: (item, to, now) => {
      const at = now.toISOString();
      const verification = { by: personOf(principal), at, outcome: input.outcome, note: input.note };
      return {
        set: { rectification: { ...item.rectification!, status: to, verification, updatedAt: at }, updatedAt: at },
        event: entry(principal, item, now, input.outcome === 'verified' ? 'verify' : 'return', input.note),
      };
    },
  });
  return answer(deps, principal, changed);
};
