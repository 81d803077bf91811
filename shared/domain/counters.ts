import { isOpen } from './lifecycle';
import { rectificationStatuses, type RectificationStatus } from './rectification';
import { kindIds, type Kind } from '../schemas/directory';
import { resolvedSchema, satisfactionSchema, statusSchema, type Resolved, type Satisfaction, type Status } from '../schemas/submission';

/**
 * Dashboard counters. An item *contributes* a set of counts to the counter of its (phase, queue);
 * a change's delta is what the item contributes after minus what it contributed before. The tally
 * (shared/services/tally.ts) adds these deltas to the stored counters from the table's change
 * stream, so once it has caught up the counters equal what the item lists count.
 *
 * A counter's counts are named for what they count:
 *   status_<status>          items in that status                    status_in_progress
 *   kind_<kind>              items of that kind                      kind_problem
 *   rating_<satisfaction>    the latest rating of each rated item    rating_satisfied
 *   overdue                  open items the sweeper has reported past their due date
 *   first_reply_<lower>h     first replies that took from <lower> hours up to the next bucket's
 *                            lower bound (`firstReplyBuckets`)       first_reply_48h
 *   unit_<unitId>_total      a unit's items but merged ones; _open: those open; _problems: those of kind problem
 *   resolved_<answer>        the latest rating's `resolved` answer  resolved_yes
 *   response_in_time         routed items first acted on (start or public reply) by `respondBy`
 *   response_late            routed items first acted on after `respondBy`
 *   rect_<status>            items whose rectification is in that status  rect_submitted
 *   respond_by_<instant>     routed items not acted on yet whose window ends at that instant
 *                                                                     respond_by_2026-12-08T15:59:59.999Z
 *
 * Storage (shared/data/counters.ts): the layout item `COUNTERS` / `#LAYOUT` lists these names as
 * `slots`, in storage order; each (phase, queue) counter is one binary value `c` holding one
 * signed 32-bit big-endian count per slot, in that order (`encodeCounts`, `decodeCounts`). So
 * slot i of every counter is the count named `slots[i]`: 4 bytes, whether it holds 0 or 90,000.
 * Storing the directory gives the layout every name the directory implies (`allCountNames`); the
 * layout only ever grows at its end (a unit the tally meets first is appended), so a value written
 * before it grew still decodes (its missing slots are zero).
 *
 * Why fixed width: the dashboard reads every counter, and DynamoDB bills a read by its bytes. A
 * number attribute weighs its name plus its digits, so named numbers would grow with the counts
 * (and cost four times the bytes); a slot does not. The dashboard then reads exactly the same
 * units with 1,000 items or 100,000, set by the directory alone.
 *
 * Overdue at this instant = `overdue` + the open items whose due date has passed but which the
 * sweeper has not reported yet. Those are counted per due instant (`pendingDue`): one small bucket
 * per due instant, a number per (phase, queue) cell (`study#g1`) and their sum `pending`. The
 * dashboard adds the buckets whose instant is past: due dates are the end of a working day, so
 * that read costs the due instants since the last sweep, never the items that fell due.
 *
 * The response rate's denominator grows with time too: a routed item not acted on yet counts once
 * its `respondBy` has passed. Such items are counted per window end (`respond_by_<instant>`, the
 * end of a working day), and the dashboard adds the slots whose instant is past. The tally appends
 * a slot the first time it meets a window end, so the layout grows by one slot per working day on
 * which something was routed: with the calendar, never with the number of items (the same slots
 * at 500 items as at 5,000 over the same weeks). Acting on an item moves its count from its
 * window's slot to `response_in_time` or `response_late`.
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
  readonly resolved?: Resolved;
  readonly createdAt: string;
  /** When it was first routed to a group, and the end of its response window (`responseWorkingDays`). */
  readonly routedAt?: string;
  readonly respondBy?: string;
  /** Its first staff action (start or public reply) after routing. */
  readonly respondedAt?: string;
  readonly firstReplyAt?: string;
  /** The unit's fix (整改), by its status alone. */
  readonly rectification?: { readonly status: RectificationStatus };
}

/** Count name -> number (a delta or a stored count). */
export type Counts = Record<string, number>;

export interface CounterDelta {
  readonly phase: string;
  readonly groupId: string | undefined;
  readonly counts: Counts;
}

/** Lower bounds, in hours, of the first-reply histogram's buckets (the last one is open-ended). */
export const firstReplyBuckets = [0, 1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 720] as const;

/** The bucket (its lower bound in hours) a first reply after `hours` falls in. */
export const firstReplyBucket = (hours: number): number => firstReplyBuckets.findLast((lower) => hours >= lower) ?? firstReplyBuckets[0];

/** The names of the counts (see above). */
export const countName = {
  status: (status: Status) => `status_${status}`,
  kind: (kind: Kind) => `kind_${kind}`,
  rating: (satisfaction: Satisfaction) => `rating_${satisfaction}`,
  overdue: 'overdue',
  firstReply: (lower: number) => `first_reply_${lower}h`,
  unit: (unitId: string, what: 'total' | 'open' | 'problems') => `unit_${unitId}_${what}`,
  resolved: (answer: Resolved) => `resolved_${answer}`,
  responseInTime: 'response_in_time',
  responseLate: 'response_late',
  respondBy: (instant: string) => `respond_by_${instant}`,
  rectification: (status: RectificationStatus) => `rect_${status}`,
} as const;

const respondByPattern = /^respond_by_(.+)$/;

/** The window ends a set of counts names, with their counts: `respond_by_<instant>` -> [instant, n]. */
export const respondBySlots = (counts: Counts): [string, number][] =>
  Object.entries(counts).flatMap(([name, n]) => {
    const instant = respondByPattern.exec(name)?.[1];
    return instant ? [[instant, n] as [string, number]] : [];
  });

/** Every slot name a directory's units imply, in the order the layout first lists them. */
export const allCountNames = (unitIds: readonly string[]): string[] => [
  ...statusSchema.options.map(countName.status),
  ...kindIds.map(countName.kind),
  ...satisfactionSchema.options.map(countName.rating),
  countName.overdue,
  ...firstReplyBuckets.map(countName.firstReply),
  ...unitIds.flatMap((id) => (['total', 'open', 'problems'] as const).map((what) => countName.unit(id, what))),
  ...resolvedSchema.options.map(countName.resolved),
  countName.responseInTime,
  countName.responseLate,
  ...rectificationStatuses.map(countName.rectification),
];

/** The units a set of counts names (unit ids may hold '_': the prefix and suffix are cut off). */
export const unitsOf = (counts: Counts): string[] => [
  ...new Set(Object.keys(counts).flatMap((name) => /^unit_(.+)_(?:total|open|problems)$/.exec(name)?.[1] ?? [])),
];

/** Bytes per slot: a signed 32-bit count (a negative one would show a bug rather than wrap). */
const slotBytes = 4;

/**
 * Counts -> a counter's stored value: one big-endian int32 per slot, in the layout's order. Throws
 * for a count the layout has no slot for (the tally extends the layout first) or that does not fit.
 */
export const encodeCounts = (counts: Counts, slots: readonly string[]): Uint8Array => {
  const bytes = new Uint8Array(slots.length * slotBytes);
  const view = new DataView(bytes.buffer);
  const slotOf = new Map(slots.map((name, i) => [name, i]));
  for (const [name, n] of Object.entries(counts)) {
    if (n === 0) continue;
    const i = slotOf.get(name);
    if (i === undefined) throw new RangeError(`counter slot ${name} is not in the layout`);
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`count ${n} of ${name} does not fit a slot`);
    view.setInt32(i * slotBytes, n);
  }
  return bytes;
};

/** A counter's stored value -> its counts by slot name (zeros left out; slots the value predates are zero). */
export const decodeCounts = (bytes: Uint8Array | undefined, slots: readonly string[]): Counts => {
  const counts: Counts = {};
  if (!bytes) return counts;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = Math.min(slots.length, Math.floor(bytes.byteLength / slotBytes));
  for (let i = 0; i < stored; i++) {
    const n = view.getInt32(i * slotBytes);
    if (n !== 0) counts[slots[i]] = n;
  }
  return counts;
};

export const contributions = (item: CountedItem): Counts => {
  const counts: Counts = { [countName.status(item.status)]: 1, [countName.kind(item.kind)]: 1 };
  const open = isOpen(item.status);
  // A merged duplicate is counted once, in the item it was merged into: not again in its unit's
  // figures (GET /api/items?unitId= lists it, with status merged; docs/api.md says so).
  if (item.unitId && item.status !== 'merged') {
    counts[countName.unit(item.unitId, 'total')] = 1;
    if (open) counts[countName.unit(item.unitId, 'open')] = 1;
    if (item.kind === 'problem') counts[countName.unit(item.unitId, 'problems')] = 1;
  }
  if (item.satisfaction) counts[countName.rating(item.satisfaction)] = 1;
  if (item.resolved) counts[countName.resolved(item.resolved)] = 1;
  if (item.routedAt && item.respondBy) {
    counts[!item.respondedAt ? countName.respondBy(item.respondBy) : item.respondedAt <= item.respondBy ? countName.responseInTime : countName.responseLate] = 1;
  }
  if (open && item.dueAt && item.overdueNotifiedFor === item.dueAt) counts[countName.overdue] = 1;
  if (item.rectification) counts[countName.rectification(item.rectification.status)] = 1;
  if (item.firstReplyAt) {
    const hours = (Date.parse(item.firstReplyAt) - Date.parse(item.createdAt)) / 3_600_000;
    counts[countName.firstReply(firstReplyBucket(hours))] = 1;
  }
  return counts;
};

/** Adds `n` x `counts` into `into`, dropping what comes to zero. */
export const addCounts = (into: Counts, counts: Counts, n = 1): Counts => {
  for (const [name, value] of Object.entries(counts)) {
    into[name] = (into[name] ?? 0) + n * value;
    if (into[name] === 0) delete into[name];
  }
  return into;
};

/** The counter updates a change needs: none, one (same queue) or two (the item moved queues). */
export const counterDeltas = (before: CountedItem | null, after: CountedItem | null): CounterDelta[] => {
  const deltas: CounterDelta[] = [];
  const add = (item: CountedItem | null, sign: 1 | -1) => {
    if (!item) return;
    let delta = deltas.find((d) => d.phase === item.phase && d.groupId === item.groupId);
    if (!delta) deltas.push((delta = { phase: item.phase, groupId: item.groupId, counts: {} }));
    addCounts(delta.counts, contributions(item), sign);
  };
  add(before, -1);
  add(after, 1);
  return deltas.filter((d) => Object.keys(d.counts).length > 0);
};

/** The name of a (phase, queue) counter; `-` is the office queue. */
export const counterCell = (phase: string, groupId: string | undefined) => `${phase}#${groupId ?? '-'}`;

/** The (phase, queue) a counter's name names (ids never hold '#'). */
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

/** The name of a due bucket's sum of its cells. */
export const pendingTotal = 'pending';

/** The due-bucket updates a change needs: per due instant, the cells' deltas and their sum. */
export const dueDeltas = (before: CountedItem | null, after: CountedItem | null): { dueAt: string; counts: Counts }[] => {
  const deltas = new Map<string, Counts>();
  for (const [item, sign] of [[before, -1], [after, 1]] as const) {
    const due = item ? pendingDue(item) : null;
    if (due) deltas.set(due.dueAt, addCounts(deltas.get(due.dueAt) ?? {}, { [due.cell]: 1, [pendingTotal]: 1 }, sign));
  }
  return [...deltas].filter(([, counts]) => Object.keys(counts).length > 0).map(([dueAt, counts]) => ({ dueAt, counts }));
};

/** The first-reply histogram a set of counts holds: bucket (lower bound in hours) -> items. */
export const firstReplyHistogram = (counts: Counts): Map<number, number> =>
  new Map(firstReplyBuckets.map((lower) => [lower, counts[countName.firstReply(lower)] ?? 0]));

/** The median of a first-reply histogram, in hours (midpoint of the median bucket), or null if empty. */
export const medianFromHistogram = (histogram: ReadonlyMap<number, number>): number | null => {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  let seen = 0;
  for (const [lower, n] of buckets) {
    seen += n;
    if (seen * 2 >= total) {
      const next = firstReplyBuckets.find((b) => b > lower);
      return (lower + (next ?? lower)) / 2;
    }
  }
  return null;
};
