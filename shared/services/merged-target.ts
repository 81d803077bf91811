import type { DbDeps } from '../deps';
import { getItemWithEvents, type EventRecord, type ItemRecord } from '../data/items';
import type { Directory } from '../schemas/directory';
import type { PublicReply, PublicSubmissionView } from '../schemas/submission';
import { toAttachmentViews } from './attachment-views';
import { groupName } from './directory';

/**
 * What the submitter of a merged duplicate sees of the item it was merged into (API.md v2,
 * "Merged items"): its code, its status and its public replies, exactly as its own submitter sees
 * them (the group's name, never a person's). Nothing else of the target leaves this file: not its
 * submitter's contact, not its internal notes, not its key hash, not its follow-ups.
 */

/**
 * The public replies of an item's events, as any submitter sees them; `withAttachments` for the
 * item's own submitter, who fetches them by the item's code and key (a merged duplicate's
 * submitter reads the target's replies without them: their key opens their own item only).
 */
export const publicReplies = (directory: Directory, events: readonly EventRecord[], options: { withAttachments?: boolean } = {}): PublicReply[] =>
  events
    .filter((e) => e.reply?.visibility === 'public')
    .map((e) => ({
      id: e.reply!.id,
      body: e.reply!.body,
      createdAt: e.at,
      by: { groupName: groupName(directory, e.reply!.groupId) },
      ...(options.withAttachments ? toAttachmentViews(e.reply!.attachments) : {}),
    }));

/**
 * A target merged later into a third item is followed, so the person reads the answer that is
 * actually given. A merge refuses a target that is merged already, so a chain grows only when a
 * target is merged afterwards; `maxMergeHops` is far beyond any real chain and bounds the reads.
 */
const maxMergeHops = 5;

export interface MergeTarget {
  readonly item: ItemRecord;
  readonly events: readonly EventRecord[];
}

/**
 * The item a merged item now stands for (its target, or the end of the target's own merges), or
 * null when the item is not merged or the chain cannot be followed. Cost: one consistent Query of
 * the target's collection per hop (one in practice).
 */
export const findMergeTarget = async (deps: DbDeps, item: ItemRecord): Promise<MergeTarget | null> => {
  const seen = new Set([item.trackingCode]);
  let code = item.status === 'merged' ? item.mergedInto : undefined;
  for (let hop = 0; code && hop < maxMergeHops && !seen.has(code); hop++) {
    seen.add(code);
    const found = await getItemWithEvents(deps, code);
    if (!found) return null;
    if (found.item.status !== 'merged') return found;
    code = found.item.mergedInto;
  }
  return null;
};

/** When the merged item's submitter last rated (its `rate` events), or '' for never. */
const lastRatedAt = (events: readonly EventRecord[]): string => events.filter((e) => e.action === 'rate').reduce((last, e) => (e.at > last ? e.at : last), '');

/**
 * The rule (docs/api.md, "Merged items"): the merged item's submitter may rate while the target is
 * answered or closed, once per answer: a rating is refused when no public reply of the target is
 * newer than their latest rating. Null when a rating may be given, else why not.
 */
export const mergedRatingRefusal = (events: readonly EventRecord[], target: MergeTarget | null): string | null => {
  if (!target || (target.item.status !== 'answered' && target.item.status !== 'closed')) {
    return 'The item this one was merged into has not been answered yet.';
  }
  const latestReply = target.events.filter((e) => e.reply?.visibility === 'public').reduce((last, e) => (e.at > last ? e.at : last), '');
  return latestReply > lastRatedAt(events) ? null : 'You have already rated the latest answer.';
};

/** The view's `mergedInto` of a merged item (its own events tell whether it was rated already). */
export const mergedIntoView = (
  directory: Directory,
  item: ItemRecord,
  events: readonly EventRecord[],
  target: MergeTarget | null,
): PublicSubmissionView['mergedInto'] => {
  if (item.status !== 'merged' || !item.mergedInto) return undefined;
  // A chain that cannot be followed (never in practice): the code it was merged into, nothing more.
  if (!target) return { trackingCode: item.mergedInto, status: 'merged', replies: [], canRate: false };
  return {
    trackingCode: target.item.trackingCode,
    status: target.item.status,
    replies: publicReplies(directory, target.events),
    canRate: mergedRatingRefusal(events, target) === null,
  };
};
