import { isOpen } from './lifecycle';
import { kindIds, type Directory, type Kind } from '../schemas/directory';
import type { Satisfaction, Status } from '../schemas/submission';

/**
 * Dashboard counters. An item *contributes* a set of counts to the counter of its (phase, group);
 * a change's delta is what the item contributes after minus what it contributed before. The tally
 * (shared/services/tally.ts) folds the table's change stream into the counters with exactly these
 * deltas, so once it has caught up the counters equal what the item lists count.
 *
 * Counter slots (counts of the items of one (phase, queue)):
 *   s:<status>            items in that status
 *   k:<kind>              items of that kind
 *   sat:<satisfaction>    latest rating of each rated item
 *   ov                    open items the sweeper has found past their due date (overdue for it)
 *   frh:<bucket>          first-reply time histogram, in hours (see `firstReplyBucket`)
 *   u:<unitId>:t|o|p      a unit's items: total, open, problems
 * They are stored as one fixed-width binary value per counter (`encodeCounts`), in the order of
 * `slotNames(layout)`: the layout is the fixed slots, then three per unit of an append-only unit
 * list. A counter then weighs the same bytes whatever the counts are, so the dashboard reads the
 * same capacity with 1,000 items or 100,000.
 *
 * Overdue at this instant = `ov` + the open items whose due date has passed but which the sweeper
 * has not marked yet. Those are counted per due instant (`pendingDue`, one small item per due
 * instant): the dashboard adds the buckets whose instant is past, a read that costs the number of
 * due instants since the last sweep (one a day: due dates are the end of a working day), never
 * the number of items that fell due.
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

/** The slots every counter has, whatever the directory. */
const fixedSlots: readonly string[] = [
  ...statusIds.map((s) => `s:${s}`),
  ...kindIds.map((k) => `k:${k}`),
  ...satisfactionIds.map((s) => `sat:${s}`),
  'ov',
  ...firstReplyBuckets.map((b) => `frh:${b}`),
];

/** A unit's three slots: total, open, problems. */
const unitSlots = (unitId: string): string[] => [`u:${unitId}:t`, `u:${unitId}:o`, `u:${unitId}:p`];

/** Every slot of a counter, in storage order, for a layout (the append-only list of unit ids). */
export const slotNames = (layoutUnits: readonly string[]): string[] => [...fixedSlots, ...layoutUnits.flatMap(unitSlots)];

/** Bytes per slot: a signed 32-bit count (a negative one would show a bug rather than wrap). */
const slotBytes = 4;

/**
 * Counts -> the stored value: one big-endian int32 per slot of the layout. Throws for a count that
 * has no slot in the layout (the caller extends the layout first) or does not fit.
 */
export const encodeCounts = (counts: Counts, layoutUnits: readonly string[]): Uint8Array => {
  const names = slotNames(layoutUnits);
  const index = new Map(names.map((name, i) => [name, i]));
  const bytes = new Uint8Array(names.length * slotBytes);
  const view = new DataView(bytes.buffer);
  for (const [name, n] of Object.entries(counts)) {
    const i = index.get(name);
    if (i === undefined) {
      if (n === 0) continue;
      throw new RangeError(`counter slot ${name} is not in the layout`);
    }
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`count ${n} of ${name} does not fit a slot`);
    view.setInt32(i * slotBytes, n);
  }
  return bytes;
};

/** The stored value -> counts (zeros left out). A value shorter than the layout was written before the layout grew: its missing slots are zero. */
export const decodeCounts = (bytes: Uint8Array | undefined, layoutUnits: readonly string[]): Counts => {
  const counts: Counts = {};
  if (!bytes) return counts;
  const names = slotNames(layoutUnits);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slots = Math.min(names.length, Math.floor(bytes.byteLength / slotBytes));
  for (let i = 0; i < slots; i++) {
    const n = view.getInt32(i * slotBytes);
    if (n !== 0) counts[names[i]] = n;
  }
  return counts;
};

/** The units a set of counts mentions (to extend a layout with those it lacks). */
export const unitsOf = (counts: Counts): string[] => {
  const units = new Set<string>();
  for (const name of Object.keys(counts)) if (name.startsWith('u:')) units.add(name.slice(2, name.lastIndexOf(':')));
  return [...units];
};

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

/** The key of a (phase, queue) counter; `-` is the office queue. */
export const counterCell = (phase: string, groupId: string | undefined) => `${phase}#${groupId ?? '-'}`;

/** The (phase, queue) a counter key names (ids never hold '#'). */
export const parseCounterCell = (cell: string): { phase: string; groupId: string | undefined } => {
  const cut = cell.lastIndexOf('#');
  const group = cell.slice(cut + 1);
  return { phase: cell.slice(0, cut), groupId: group === '-' ? undefined : group };
};

/**
 * Where an item waits to be found overdue: open, with a due date the sweeper has not reported yet
 * (the same condition that keeps it in the sweeper's DUE index).
 */
export const pendingDue = (item: CountedItem): { dueAt: string; cell: string } | null =>
  isOpen(item.status) && item.dueAt && item.overdueNotifiedFor !== item.dueAt ? { dueAt: item.dueAt, cell: counterCell(item.phase, item.groupId) } : null;

/** due instant -> (phase, queue) cell -> change of the number of items pending at that instant. */
export type DueDeltas = Map<string, Map<string, number>>;

/** Adds a change's due-bucket delta into `into` (zeros removed). */
export const addDueDeltas = (into: DueDeltas, before: CountedItem | null, after: CountedItem | null): DueDeltas => {
  const add = (item: CountedItem | null, sign: 1 | -1) => {
    const due = item ? pendingDue(item) : null;
    if (!due) return;
    const cells = into.get(due.dueAt) ?? new Map<string, number>();
    const n = (cells.get(due.cell) ?? 0) + sign;
    if (n === 0) cells.delete(due.cell);
    else cells.set(due.cell, n);
    if (cells.size === 0) into.delete(due.dueAt);
    else into.set(due.dueAt, cells);
  };
  add(before, -1);
  add(after, 1);
  return into;
};

/** The first-reply histogram a set of counts holds: bucket (lower bound in hours) -> items. */
export const firstReplyHistogram = (counts: Counts): Map<number, number> => {
  const histogram = new Map<number, number>();
  for (const bucket of firstReplyBuckets) if (counts[`frh:${bucket}`]) histogram.set(bucket, counts[`frh:${bucket}`]);
  return histogram;
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
