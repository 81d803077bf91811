import { isOpen } from './lifecycle';
import type { Kind } from '../schemas/directory';
import type { Satisfaction, Status } from '../schemas/submission';

/**
 * Dashboard counters. An item *contributes* a set of counts to the counter of its (phase, group);
 * a change's delta is what the item contributes after minus what it contributed before. Applying
 * that delta in the same transaction as the change keeps the counters equal to what the item
 * lists count, at all times, by construction.
 *
 * Counter attribute names:
 *   s:<status>            items in that status
 *   k:<kind>              items of that kind
 *   u:<unitId>:t|o|p      a unit's items: total, open, problems
 *   sat:<satisfaction>    latest rating of each rated item
 *   due:<dueAt ISO>       open items due at that instant. Due dates are ends of working days, so
 *                         there are few distinct instants, and "overdue now" is the exact sum of
 *                         the buckets before now: no sweep needed for the figure to be right.
 *   frh:<bucket>          first-reply time histogram, in hours (see `firstReplyBucket`)
 */
export interface CountedItem {
  readonly phase: string;
  readonly groupId?: string;
  readonly unitId?: string;
  readonly kind: Kind;
  readonly status: Status;
  readonly dueAt?: string;
  readonly satisfaction?: Satisfaction;
  readonly createdAt: string;
  readonly firstReplyAt?: string;
}

export type Counts = Record<string, number>;

export interface CounterDelta {
  readonly phase: string;
  readonly groupId: string | undefined;
  readonly counts: Counts;
}

/**
 * Histogram buckets of first-reply hours: hourly up to 48 h, then daily up to 30 days, then one
 * open bucket. A bucket is named by its lower bound in hours; the median is read off to the bucket.
 */
export const firstReplyBucket = (hours: number): number => {
  if (hours < 48) return Math.max(0, Math.floor(hours));
  if (hours < 720) return Math.floor(hours / 24) * 24;
  return 720;
};

const bucketUpperBound = (lower: number): number => (lower < 48 ? lower + 1 : lower < 720 ? lower + 24 : lower);

export const contributions = (item: CountedItem): Counts => {
  const counts: Counts = { [`s:${item.status}`]: 1, [`k:${item.kind}`]: 1 };
  const open = isOpen(item.status);
  if (item.unitId) {
    counts[`u:${item.unitId}:t`] = 1;
    if (open) counts[`u:${item.unitId}:o`] = 1;
    if (item.kind === 'problem') counts[`u:${item.unitId}:p`] = 1;
  }
  if (item.satisfaction) counts[`sat:${item.satisfaction}`] = 1;
  if (open && item.dueAt) counts[`due:${item.dueAt}`] = 1;
  if (item.firstReplyAt) {
    const hours = (Date.parse(item.firstReplyAt) - Date.parse(item.createdAt)) / 3_600_000;
    counts[`frh:${firstReplyBucket(hours)}`] = 1;
  }
  return counts;
};


/** The counter updates a change needs: none, one (same group) or two (the item moved groups). */
export const counterDeltas = (before: CountedItem | null, after: CountedItem | null): CounterDelta[] => {
  const deltas: CounterDelta[] = [];
  const add = (item: CountedItem, sign: 1 | -1) => {
    let delta = deltas.find((d) => d.phase === item.phase && (d.groupId ?? '-') === (item.groupId ?? '-'));
    if (!delta) {
      delta = { phase: item.phase, groupId: item.groupId, counts: {} };
      deltas.push(delta);
    }
    for (const [name, n] of Object.entries(contributions(item))) delta.counts[name] = (delta.counts[name] ?? 0) + sign * n;
  };
  if (before) add(before, -1);
  if (after) add(after, 1);
  for (const delta of deltas) for (const [name, n] of Object.entries(delta.counts)) if (n === 0) delete delta.counts[name];
  return deltas.filter((d) => Object.keys(d.counts).length > 0);
};

/** The median of a first-reply histogram, in hours (midpoint of the median bucket), or null if empty. */
export const medianFromHistogram = (histogram: ReadonlyMap<number, number>): number | null => {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [lower, n] of buckets) {
    seen += n;
    if (seen * 2 >= total) return (lower + bucketUpperBound(lower)) / 2;
  }
  return null;
};
