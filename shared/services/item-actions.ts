import { randomBytes } from 'node:crypto';
import { changeItem, refusedFirst, type ChangedItem } from '../data/change-item';
import type { Deps } from '../deps';
import { getItem, getItemWithEvents, type EventRecord, type ItemChange, type ItemRecord } from '../data/items';
import { canAct, canReadItem, canSeeRectification, personOf, staffActor, type Principal, type StaffAction } from '../domain/access';
import { ConflictError, ForbiddenError, InvalidInputError } from '../domain/errors';
import { maxReplies, nextStatus, type Action } from '../domain/lifecycle';
import { firstResponse } from '../domain/rates';
import { normalizeTrackingCode } from '../domain/tracking-code';
import { countMetric } from '../observability/metrics';
import type { Status } from '../schemas/submission';
import { directoryMeanwhile, dueDateFor, routingTimes } from './directory';
import { toItemView } from './views';
import type { Admission } from '../data/room';
import type { StorageDeps } from '../storage/client';
import { attachToItem } from './attach';
import { toAttachmentViews } from './attachment-views';
import { noSuchItem, viewFor } from './rectification';

/** What staff do to one item: read it, assign, reply or note, and the other transitions. */

/** An item the principal may see, or the 404 that does not tell "not yours" from "not there". */
export const viewItem = async (deps: Deps, principal: Principal, id: string) => {
  const code = normalizeTrackingCode(id);
  const found = code ? await getItemWithEvents(deps, code) : null;
  // A liaison sees an item only through the rectification that names their unit.
  if (!found || !canSeeRectification(principal, found.item)) throw noSuchItem();
  return viewFor(principal, found.item, found.events, deps.clock.now());
};

/** The item a staff change aims at: who asks, the item's id as the path gave it, the version they saw. */
export interface ChangeTarget {
  readonly principal: Principal;
  readonly id: string;
  /** The version the client saw (If-Match), if it sent one. */
  readonly ifMatch: number | undefined;
}

interface Mutation extends ChangeTarget {
  readonly action: StaffAction;
  /** The lifecycle action whose table decides the status (defaults to `action`; required for an action the table does not name, e.g. `request-extension`). */
  readonly lifecycle?: Action;
  /** `events`: the item's history at the version the change commits on. */
  readonly change: (item: ItemRecord, to: Status, now: Date, events: readonly EventRecord[]) => Promise<ItemChange> | ItemChange;
  /** Entries for the change's transaction beyond its own (the claims of the uploads it attaches). */
  readonly claims?: Admission;
  /** Read beside the item, refusing first (shared/data/change-item.ts `ChangeOptions.prerequisite`). */
  readonly prerequisite?: Promise<unknown>;
}

/**
 * Every staff change: what it needs besides the item, read beside it (`prerequisite`: no directory
 * 503, a request the directory refutes 400), then visibility (404), role (403), `If-Match` (412),
 * the state machine (409), then
 * one conditional transaction on the version that was checked (shared/data/change-item.ts). The
 * item is read with its events (one Query): the answer is then those events and the new one,
 * exactly the history at the committed version, without reading the collection again.
 */
export const mutate = async (deps: Deps, { principal, id, ifMatch, action, lifecycle, change, claims, prerequisite }: Mutation): Promise<ChangedItem> => {
  const code = normalizeTrackingCode(id);
  if (!code) throw await refusedFirst(prerequisite, noSuchItem());
  const changed = await changeItem(
    deps,
    code,
    async (current, checkVersion) => {
      const item = current?.item;
      if (!item || !canReadItem(principal, item)) throw noSuchItem();
      if (!canAct(principal, item, action)) throw new ForbiddenError('Your role does not allow this on this item.');
      checkVersion();
      const to = nextStatus(item.status, lifecycle ?? (action as Action));
      if (to === null) throw new ConflictError(`"${action}" is not possible while the item is ${item.status}.`);
      return change(item, to, deps.clock.now(), current.events);
    },
    { withEvents: true, expectedVersion: ifMatch, admission: claims, prerequisite },
  );
  // Never null: the decision above refuses or plans a change.
  return changed!;
};

export const history = (principal: Principal, item: ItemRecord, to: Status, now: Date, action: string, note?: string): ItemChange['event'] => ({
  at: now.toISOString(),
  action,
  by: staffActor(principal),
  from: item.status,
  to,
  ...(note ? { note } : {}),
});

/** The item as this change left it: the committed record and its history up to that version. */
export const withView = (deps: Deps, principal: Principal, changed: ChangedItem) => toItemView(principal, changed.item, changed.events, deps.clock.now());

export const assignItem = async (deps: Deps, target: ChangeTarget, input: { groupId: string; note?: string }) => {
  const { principal } = target;
  // The directory and the group, read beside the item; a missing group is refused before anything about the item (400 before 404).
  const routing = directoryMeanwhile(deps).then((directory) => {
    const group = directory.groups.find((g) => g.id === input.groupId);
    if (!group) throw new InvalidInputError([{ path: 'groupId', message: 'No such group.' }]);
    return { directory, group };
  });
  const changed = await mutate(deps, {
    ...target,
    action: 'assign',
    prerequisite: routing,
    change: async (current, to, now) => {
      const { directory, group } = await routing;
      return {
        set: { status: to, groupId: group.id, dueAt: dueDateFor(directory, current.kind, now), ...(current.routedAt ? {} : routingTimes(directory, now)), updatedAt: now.toISOString() },
        event: history(principal, current, to, now, 'assign', input.note ? `→ ${group.name}: ${input.note}` : `→ ${group.name}`),
      };
    },
  });
  countMetric('routed');
  return withView(deps, principal, changed);
};

export const replyToItem = async (deps: StorageDeps, target: ChangeTarget, input: { body: string; visibility: 'public' | 'internal'; attachmentIds?: readonly string[] }) => {
  const { principal } = target;
  const replyId = randomBytes(8).toString('hex');
  const { item, change } = await attachToItem(deps, target.id, input.attachmentIds, (attachments, claims) => mutate(deps, {
    ...target,
    claims,
    action: 'reply',
    lifecycle: input.visibility === 'public' ? 'reply' : 'note',
    change: (current, to, now, events) => {
      // Counted on the version the change commits on: two replies racing for the last place cannot both take it.
      if (events.filter((e) => e.reply).length >= maxReplies) throw new ConflictError(`This item already has ${maxReplies} replies, the most it can take.`);
      const at = now.toISOString();
      // The submitter reads who answered as a group: the item's group if the author is in it.
      const groupId = current.groupId && principal.groups.includes(current.groupId) ? current.groupId : undefined;
      const reply: NonNullable<EventRecord['reply']> = {
        id: replyId,
        body: input.body,
        visibility: input.visibility,
        ...(groupId ? { groupId } : {}),
        ...(attachments ? { attachments } : {}),
      };
      return {
        set: {
          status: to,
          updatedAt: at,
          ...(input.visibility === 'public' && !current.firstReplyAt ? { firstReplyAt: at } : {}),
          ...(input.visibility === 'public' ? firstResponse(current, at) : {}),
          // The auto-close clock runs from the latest answer.
          ...(input.visibility === 'public' ? { answeredAt: at } : {}),
        },
        event: { ...history(principal, current, to, now, input.visibility === 'public' ? 'reply' : 'note'), reply },
      };
    },
  }));
  const reply = change.event.reply!;
  return {
    id: replyId,
    body: reply.body,
    visibility: reply.visibility,
    by: personOf(principal),
    createdAt: change.event.at,
    ...toAttachmentViews(reply.attachments),
    status: item.status,
    version: item.version,
  };
};

export const transitionItem = async (
  deps: Deps,
  target: ChangeTarget,
  input: { action: 'start' | 'close' | 'reject' | 'merge' | 'recommend' | 'unrecommend'; reason?: string; targetId?: string },
) => {
  const { principal } = target;
  const changed = await mutate(deps, {
    ...target,
    action: input.action,
    change: async (current, to, now) => {
      const at = now.toISOString();
      switch (input.action) {
        case 'recommend':
        case 'unrecommend':
          if (current.kind !== 'practice') throw new ConflictError('Only good practices can be recommended.');
          return { set: { recommended: input.action === 'recommend', updatedAt: at }, event: history(principal, current, to, now, input.action) };
        case 'reject':
          return { set: { status: to, rejectedReason: input.reason, updatedAt: at }, event: history(principal, current, to, now, 'reject', input.reason) };
        case 'merge': {
          const target = normalizeTrackingCode(input.targetId);
          const targetItem = target && target !== current.trackingCode ? await getItem(deps, target) : null;
          if (!targetItem) throw new InvalidInputError([{ path: 'targetId', message: 'No such item to merge into.' }]);
          if (targetItem.status === 'merged') throw new ConflictError('The target item is itself merged into another item.');
          return { set: { status: to, mergedInto: targetItem.trackingCode, updatedAt: at }, event: history(principal, current, to, now, 'merge', `→ ${targetItem.trackingCode}`) };
        }
        case 'close':
          return { set: { status: to, closedAt: at, updatedAt: at }, event: history(principal, current, to, now, 'close') };
        case 'start':
          return { set: { status: to, updatedAt: at, ...firstResponse(current, at) }, event: history(principal, current, to, now, 'start') };
      }
    },
  });
  return withView(deps, principal, changed);
};
