import { isOpen } from './lifecycle';
import { kindIds, type Directory, type Kind } from '../schemas/directory';
import type { Satisfaction, Status } from '../schemas/submission';

/**
 * Dashboard counters. An item *contributes* a set of counts to the counter of its (phase, group);
 * a change's delta is what the item contributes after minus what it contributed before. Applying
 * that delta in the same transaction as the change keeps the counters equal to what the item
 * lists count, at all times, by construction.
 *
 * Counter attribute names (a fixed set, known from the directory: counter items are created with
 * all of them at zero, so the dashboard reads the same bytes with 500 items or 100,000):
 *   s:<status>            items in that status
 *   k:<kind>              items of that kind
 *   u:<unitId>:t|o|p      a unit's items: total, open, problems
 *   sat:<satisfaction>    latest rating of each rated item
 *   ov                    open items the sweeper has found past their due date (overdue for it)
 *   frh:<bucket>          first-reply time histogram, in hours (see `firstReplyBucket`)
 * Overdue at this instant = `ov` + the open items in the sparse DUE index whose due date has passed
 * since the last sweep (shared/data/due.ts): exact at all times, and the second part costs what
 * fell due in the last sweep interval, not what the table holds.
 */
export interface CountedItem {
  readonly phase: string;
  readonly groupId?: string;
  readonly unitId?: string;
  readonly kind: Kind;
  readonly status: Status;
  readonly dueAt?: string;
  readonly overdueNotifiedFor?: string;
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

/** Lower bounds, in hours, of the first-reply histogram's buckets (the last one is open-ended). */
export const firstReplyBuckets = [0, 1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 720] as const;

/** The bucket (its lower bound in hours) a first reply after `hours` falls in. */
export const firstReplyBucket = (hours: number): number => {
  let bucket: number = firstReplyBuckets[0];
  for (const lower of firstReplyBuckets) if (hours >= lower) bucket = lower;
  return bucket;
};

const bucketUpperBound = (lower: number): number => {
  const i = firstReplyBuckets.indexOf(lower as (typeof firstReplyBuckets)[number]);
  return i >= 0 && i < firstReplyBuckets.length - 1 ? firstReplyBuckets[i + 1] : lower;
};

const statusIds: readonly Status[] = ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'];
const satisfactionIds: readonly Satisfaction[] = ['satisfied', 'basically', 'unsatisfied'];

/** Every counter attribute a (phase, group) counter has, for the units of this directory. */
export const counterAttributes = (directory: Pick<Directory, 'units'>): string[] => [
  ...statusIds.map((s) => `s:${s}`),
  ...kindIds.map((k) => `k:${k}`),
  ...satisfactionIds.map((s) => `sat:${s}`),
  'ov',
  ...firstReplyBuckets.map((b) => `frh:${b}`),
  ...directory.units.flatMap((u) => [`u:${u.id}:t`, `u:${u.id}:o`, `u:${u.id}:p`]),
];

export const contributions = (item: CountedItem): Counts => {
  const counts: Counts = { [`s:${item.status}`]: 1, [`k:${item.kind}`]: 1 };
  const open = isOpen(item.status);
  if (item.unitId) {
    counts[`u:${item.unitId}:t`] = 1;
    if (open) counts[`u:${item.unitId}:o`] = 1;
    if (item.kind === 'problem') counts[`u:${item.unitId}:p`] = 1;
  }
  if (item.satisfaction) counts[`sat:${item.satisfaction}`] = 1;
  if (open && item.dueAt && item.overdueNotifiedFor === item.dueAt) counts.ov = 1;
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
