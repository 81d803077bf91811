import type { Satisfaction, Status } from '../schemas/submission';

/**
 * The item state machine, in one table. Every status change in yijian goes through `nextStatus`;
 * an action the table does not allow from the current status is a 409 for the caller.
 */
export const openStatuses: readonly Status[] = ['submitted', 'assigned', 'in_progress', 'reopened'];
export const isOpen = (status: Status): boolean => openStatuses.includes(status);

export type Action =
  | 'assign'
  | 'reply'
  | 'note'
  | 'start'
  | 'close'
  | 'reject'
  | 'merge'
  | 'recommend'
  | 'unrecommend'
  | 'follow-up'
  | 'rate-satisfied'
  | 'rate-unsatisfied'
  | 'rate-merged'
  | 'auto-close'
  | 'extension'
  | 'publish'
  | 'withdraw';

const all: readonly Status[] = ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'];

/**
 * The most follow-ups and replies (public replies and internal notes) one item takes; the next one
 * is a 409. They bound what an item's views carry: `maxReplies` replies of `maxReplyChars`
 * (200 of 5,000 characters) are at most 4 MB of UTF-8 even doubly escaped in Lambda's answer (a
 * quote is 4 bytes there, an emoji 4), and `maxFollowUps` follow-ups of `maxFollowUpChars` (20 of
 * 2,000) add at most 160 KB, under Lambda's 6 MB response limit (test/unit/stated-numbers.test.ts
 * does the sum).
 * An unsatisfied rating's comment is kept as a follow-up and counts among them, but never refused
 * by this limit: each rating needs an answer first, so replies bound the ratings.
 */
export const maxFollowUps = 20;
export const maxReplies = 200;

/** `to: 'same'` means the action is allowed but keeps the status. */
export const transitionTable: Readonly<Record<Action, { readonly from: readonly Status[]; readonly to: Status | 'same' }>> = {
  assign: { from: ['submitted', 'assigned', 'in_progress', 'reopened'], to: 'assigned' },
  // A public reply answers an open item; a further public reply on an answered item keeps it answered.
  reply: { from: [...openStatuses, 'answered'], to: 'answered' },
  note: { from: all, to: 'same' },
  start: { from: ['assigned', 'reopened'], to: 'in_progress' },
  close: { from: ['answered'], to: 'closed' },
  reject: { from: openStatuses, to: 'rejected' },
  merge: { from: openStatuses, to: 'merged' },
  recommend: { from: all, to: 'same' },
  unrecommend: { from: all, to: 'same' },
  // The submitter may always add to an item that is still alive; on an answered or closed item a
  // follow-up means the answer was not enough, so it goes back to the group.
  'follow-up': { from: ['submitted', 'assigned', 'in_progress', 'reopened', 'answered', 'closed'], to: 'same' },
  'rate-satisfied': { from: ['answered'], to: 'closed' },
  'rate-unsatisfied': { from: ['answered'], to: 'reopened' },
  // The submitter of a merged duplicate rates the answer of the item it was merged into: the
  // duplicate stays merged (whether that answer exists is the service's check, not a status's).
  'rate-merged': { from: ['merged'], to: 'same' },
  'auto-close': { from: ['answered'], to: 'closed' },
  // A deadline extension is asked for and decided while the item is still being handled.
  extension: { from: openStatuses, to: 'same' },
  // Only an item that has its answer can be published (a rewrite of it); a published one stays
  // published whatever happens to the item afterwards until the office withdraws it.
  publish: { from: ['answered', 'closed'], to: 'same' },
  withdraw: { from: all, to: 'same' },
};

/** The status after `action`, or null when the table does not allow it from `status`. */
export const nextStatus = (status: Status, action: Action): Status | null => {
  const rule = transitionTable[action];
  if (!rule.from.includes(status)) return null;
  if (action === 'follow-up') return status === 'answered' || status === 'closed' ? 'reopened' : status;
  return rule.to === 'same' ? status : rule.to;
};

export const ratingAction = (satisfaction: Satisfaction, status?: Status): Action =>
  status === 'merged' ? 'rate-merged' : satisfaction === 'unsatisfied' ? 'rate-unsatisfied' : 'rate-satisfied';
