import { describe, expect, it } from 'vitest';
import {
  allCountNames,
  contributions,
  counterDeltas,
  decodeCounts,
  dueDeltas,
  encodeCounts,
  firstReplyBucket,
  medianFromHistogram,
  unitsOf,
  type CountedItem,
  type Counts,
} from '../../shared/domain/counters';
import { kindIds, type Kind } from '../../shared/schemas/directory';
import { statusSchema, type Satisfaction, type Status } from '../../shared/schemas/submission';
import { prng } from '../support/prng';


const statuses = statusSchema.options;
const openSet = new Set<Status>(['submitted', 'assigned', 'in_progress', 'reopened']);
const HOUR = 3_600_000;

describe('firstReplyBucket', () => {
  // The documented buckets: lower bounds in hours, the last one open-ended.
  const lowers = [0, 1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 720];

  it('uses 16 fixed buckets, finer in the first hours', () => {
    const cases: [number, number][] = [
      [-3, 0], // a clock skew never gives a negative bucket
      [0, 0],
      [0.99, 0],
      [1, 1],
      [3.9, 2],
      [4, 4],
      [23.5, 12],
      [47.999, 36],
      [48, 48],
      [71.99, 48],
      [72, 72],
      [100, 96],
      [719.9, 336],
      [720, 720],
      [5000, 720],
    ];
    for (const [hours, bucket] of cases) expect(firstReplyBucket(hours), `${hours} h`).toBe(bucket);
  });

  it('puts every hour in a bucket whose range contains it', () => {
    for (let tenths = 0; tenths < 8000; tenths++) {
      const hours = tenths / 10;
      const lower = firstReplyBucket(hours);
      const i = lowers.indexOf(lower);
      const upper = i < lowers.length - 1 ? lowers[i + 1] : Infinity;
      expect(i, `${lower} is a bucket`).toBeGreaterThanOrEqual(0);
      expect(hours >= lower && hours < upper, `${hours} h in [${lower}, ${upper})`).toBe(true);
    }
  });
});

describe('medianFromHistogram', () => {
  it('is null for an empty histogram or one of zeros', () => {
    expect(medianFromHistogram(new Map())).toBeNull();
    expect(medianFromHistogram(new Map([[3, 0], [48, 0]]))).toBeNull();
  });

  it('is the midpoint of the bucket holding the (lower) median, ignoring empty and negative leftovers', () => {
    expect(medianFromHistogram(new Map([[4, 1]]))).toBe(6);
    expect(medianFromHistogram(new Map([[48, 3]]))).toBe(60);
    expect(medianFromHistogram(new Map([[720, 2]]))).toBe(720);
    // 1 + 1: the lower median is in bucket 0.
    expect(medianFromHistogram(new Map([[12, 1], [0, 1]]))).toBe(0.5);
    // 1 + 2 + 1: the second and third values are in bucket 24.
    expect(medianFromHistogram(new Map([[2, 1], [24, 2], [96, 1]]))).toBe(30);
    expect(medianFromHistogram(new Map([[2, 3], [24, 0], [96, 4]]))).toBe(108);
  });

  it('agrees with the median of the raw values, to the bucket', () => {
    const rng = prng(7);
    for (let round = 0; round < 300; round++) {
      const values = Array.from({ length: 1 + rng.int(60) }, () => (rng.chance(0.7) ? rng.next() * 60 : rng.next() * 1200));
      const histogram = new Map<number, number>();
      for (const v of values) histogram.set(firstReplyBucket(v), (histogram.get(firstReplyBucket(v)) ?? 0) + 1);
      const sorted = [...values].sort((a, b) => a - b);
      const lowerMedian = sorted[Math.ceil(sorted.length / 2) - 1];
      const bucket = firstReplyBucket(lowerMedian);
      const lowers = [0, 1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 720];
      const i = lowers.indexOf(bucket);
      const upper = i < lowers.length - 1 ? lowers[i + 1] : bucket;
      expect(medianFromHistogram(histogram)).toBe((bucket + upper) / 2);
    }
  });
});

describe('contributions', () => {
  const base: CountedItem = { phase: 'study', groupId: 'g1', unitId: 'u01', kind: 'problem', status: 'assigned', createdAt: '2026-11-20T02:00:00.000Z' };

  it('counts an open problem of a unit with a due date', () => {
    expect(contributions({ ...base, dueAt: '2026-12-10T15:59:59.999Z' })).toEqual({
      status_assigned: 1,
      kind_problem: 1,
      unit_u01_total: 1,
      unit_u01_open: 1,
      unit_u01_problems: 1,
    });
  });

  it('counts an open item as overdue once the sweeper has reported it for its due date', () => {
    const due = '2026-11-25T15:59:59.999Z';
    expect(contributions({ ...base, dueAt: due, overdueNotifiedFor: due }).overdue).toBe(1);
    expect(contributions({ ...base, dueAt: '2026-12-10T15:59:59.999Z', overdueNotifiedFor: due }).overdue).toBeUndefined();
    expect(contributions({ ...base, status: 'answered', dueAt: due, overdueNotifiedFor: due }).overdue).toBeUndefined();
  });

  it('drops the due date and the open count once the item is no longer open, and keeps the rating and reply time', () => {
    const closed = contributions({
      ...base,
      kind: 'question',
      status: 'closed',
      dueAt: '2026-12-10T15:59:59.999Z',
      satisfaction: 'basically',
      firstReplyAt: '2026-11-22T04:30:00.000Z', // 50.5 h after creation
    });
    expect(closed).toEqual({ status_closed: 1, kind_question: 1, unit_u01_total: 1, rating_basically: 1, first_reply_48h: 1 });
  });

  it('gives an item without a unit no unit counts', () => {
    expect(contributions({ phase: 'study', kind: 'feedback', status: 'submitted', createdAt: base.createdAt })).toEqual({ status_submitted: 1, kind_feedback: 1 });
  });
});

describe('counterDeltas', () => {
  const item: CountedItem = { phase: 'study', groupId: 'g1', unitId: 'u01', kind: 'question', status: 'assigned', createdAt: '2026-11-20T02:00:00.000Z', dueAt: '2026-11-27T15:59:59.999Z' };

  it('is the contributions on creation, their negation on removal, and nothing for a change that counts nothing', () => {
    expect(counterDeltas(null, item)).toEqual([{ phase: 'study', groupId: 'g1', counts: contributions(item) }]);
    expect(counterDeltas(item, null)).toEqual([{ phase: 'study', groupId: 'g1', counts: Object.fromEntries(Object.entries(contributions(item)).map(([k, n]) => [k, -n])) }]);
    expect(counterDeltas(item, { ...item })).toEqual([]);
    expect(counterDeltas(null, null)).toEqual([]);
  });

  it('moves only what changed within a group', () => {
    expect(counterDeltas(item, { ...item, status: 'in_progress' })).toEqual([{ phase: 'study', groupId: 'g1', counts: { status_assigned: -1, status_in_progress: 1 } }]);
    const answered = { ...item, status: 'answered' as const, firstReplyAt: '2026-11-20T05:10:00.000Z' };
    expect(counterDeltas(item, answered)).toEqual([
      { phase: 'study', groupId: 'g1', counts: { status_assigned: -1, unit_u01_open: -1, status_answered: 1, first_reply_2h: 1 } },
    ]);
  });

  it('gives two deltas when the item moves between groups (the office queue is a group of its own)', () => {
    const queued: CountedItem = { phase: 'review', kind: 'suggestion', status: 'submitted', createdAt: item.createdAt };
    const assigned: CountedItem = { ...queued, groupId: 'g3', status: 'assigned', dueAt: '2026-12-04T15:59:59.999Z' };
    expect(counterDeltas(queued, assigned)).toEqual([
      { phase: 'review', groupId: undefined, counts: { status_submitted: -1, kind_suggestion: -1 } },
      { phase: 'review', groupId: 'g3', counts: { status_assigned: 1, kind_suggestion: 1 } },
    ]);
  });
});

describe('dueDeltas', () => {
  const item: CountedItem = { phase: 'study', groupId: 'g1', kind: 'question', status: 'assigned', createdAt: '2026-11-20T02:00:00.000Z', dueAt: '2026-11-27T15:59:59.999Z' };

  it('moves an open item between due buckets by cell, with the bucket\'s sum `pending`', () => {
    expect(dueDeltas(null, item)).toEqual([{ dueAt: item.dueAt, counts: { 'study#g1': 1, pending: 1 } }]);
    expect(dueDeltas(item, { ...item, status: 'in_progress' })).toEqual([]);
    expect(dueDeltas(item, { ...item, groupId: 'g2' })).toEqual([{ dueAt: item.dueAt, counts: { 'study#g1': -1, 'study#g2': 1 } }]);
    expect(dueDeltas(item, { ...item, dueAt: '2026-12-04T15:59:59.999Z' })).toEqual([
      { dueAt: item.dueAt, counts: { 'study#g1': -1, pending: -1 } },
      { dueAt: '2026-12-04T15:59:59.999Z', counts: { 'study#g1': 1, pending: 1 } },
    ]);
  });

  it('takes an item out once the sweeper has reported it, or it is no longer open', () => {
    expect(dueDeltas(item, { ...item, overdueNotifiedFor: item.dueAt })).toEqual([{ dueAt: item.dueAt, counts: { 'study#g1': -1, pending: -1 } }]);
    expect(dueDeltas(item, { ...item, status: 'answered' })).toEqual([{ dueAt: item.dueAt, counts: { 'study#g1': -1, pending: -1 } }]);
  });
});

describe('encodeCounts / decodeCounts', () => {
  const slots = allCountNames(['u01', 'u02']);

  it('stores 4 bytes per slot of the layout whatever the counts, and reads back what it stored', () => {
    const counts = { status_assigned: 90_000, kind_problem: 1, unit_u02_open: 3, overdue: -1 };
    const value = encodeCounts(counts, slots);
    expect(value.byteLength).toBe(slots.length * 4);
    expect(encodeCounts({ status_assigned: 1 }, slots).byteLength).toBe(value.byteLength);
    expect(decodeCounts(value, slots)).toEqual(counts);
  });

  it('reads the slots a value predates (the layout grew after it was written) as zero', () => {
    const value = encodeCounts({ status_assigned: 2 }, slots);
    expect(decodeCounts(value, [...slots, 'unit_u03_total'])).toEqual({ status_assigned: 2 });
    expect(decodeCounts(undefined, slots)).toEqual({});
  });

  it('refuses a count without a slot, or one that does not fit 32 bits', () => {
    expect(() => encodeCounts({ unit_u03_total: 1 }, slots)).toThrow(RangeError);
    expect(encodeCounts({ unit_u03_total: 0 }, slots).byteLength).toBe(slots.length * 4);
    expect(() => encodeCounts({ status_assigned: 2 ** 31 }, slots)).toThrow(RangeError);
  });
});

describe('unitsOf', () => {
  it('finds the unit ids in count names, underscores and dashes included', () => {
    expect(unitsOf({ unit_u01_total: 2, unit_u01_open: 1, 'unit_a_b-c_problems': 1, status_assigned: 3, kind_problem: 1 }).sort()).toEqual(['a_b-c', 'u01']);
  });
});

/**
 * The property: whatever sequence of changes items go through, the counters kept by applying each
 * change's deltas equal the counts made afresh from the final items. The fresh count is written
 * here from the documented meaning of each counter, not with `contributions`, so a mistake in
 * either shows.
 */
describe('counters kept by deltas equal a recount from scratch', () => {
  const phases = ['study', 'review', 'rectify'];
  const groups = [undefined, 'g1', 'g2', 'g3'];
  const units = [undefined, 'u01', 'u02', 'u09', 'u34', 'u42'];
  const satisfactions: Satisfaction[] = ['satisfied', 'basically', 'unsatisfied'];
  const dueDates = ['2026-11-20T15:59:59.999Z', '2026-11-27T15:59:59.999Z', '2026-12-04T15:59:59.999Z', '2026-12-11T15:59:59.999Z'];

  const cellKey = (phase: string, groupId: string | undefined) => `${phase}#${groupId ?? '-'}`;

  const recount = (items: Iterable<CountedItem>): Map<string, Counts> => {
    const cells = new Map<string, Counts>();
    const bump = (cell: Counts, name: string) => (cell[name] = (cell[name] ?? 0) + 1);
    for (const item of items) {
      const key = cellKey(item.phase, item.groupId);
      const cell = cells.get(key) ?? {};
      cells.set(key, cell);
      bump(cell, `status_${item.status}`);
      bump(cell, `kind_${item.kind}`);
      if (item.unitId !== undefined && item.status !== 'merged') {
        bump(cell, `unit_${item.unitId}_total`);
        if (openSet.has(item.status)) bump(cell, `unit_${item.unitId}_open`);
        if (item.kind === 'problem') bump(cell, `unit_${item.unitId}_problems`);
      }
      if (item.satisfaction) bump(cell, `rating_${item.satisfaction}`);
      if (openSet.has(item.status) && item.dueAt !== undefined && item.overdueNotifiedFor === item.dueAt) bump(cell, 'overdue');
      if (item.firstReplyAt !== undefined) {
        const hours = (Date.parse(item.firstReplyAt) - Date.parse(item.createdAt)) / HOUR;
        const lowers = [0, 1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 720];
        bump(cell, `first_reply_${lowers.filter((lower) => hours >= lower).pop() ?? 0}h`);
      }
    }
    return cells;
  };

  /** Counters as the table keeps them: zeros stay (ADD never removes an attribute), so drop them to compare. */
  const nonZero = (cells: Map<string, Counts>) => {
    const out: Record<string, Counts> = {};
    for (const [key, counts] of cells) {
      const kept = Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
      if (Object.keys(kept).length) out[key] = kept;
    }
    return out;
  };

  const randomItem = (rng: ReturnType<typeof prng>, createdAt: string): CountedItem => {
    const status = rng.pick(statuses);
    const open = openSet.has(status);
    return {
      phase: rng.pick(phases),
      groupId: status === 'submitted' ? undefined : rng.pick(groups),
      unitId: rng.pick(units),
      kind: rng.pick(kindIds) as Kind,
      status,
      createdAt,
      ...(open || rng.chance(0.5) ? (rng.chance(0.85) ? { dueAt: rng.pick(dueDates) } : {}) : {}),
      ...(rng.chance(0.3) ? { satisfaction: rng.pick(satisfactions) } : {}),
      ...(rng.chance(0.3) ? { overdueNotifiedFor: rng.pick(dueDates) } : {}),
      ...(!open || rng.chance(0.2) ? (rng.chance(0.8) ? { firstReplyAt: new Date(Date.parse(createdAt) + rng.next() * 1000 * HOUR).toISOString() } : {}) : {}),
    };
  };

  /** One plausible change: a status move, a reassignment, a rating, a first reply, a new due date or the lot at once. */
  const change = (rng: ReturnType<typeof prng>, item: CountedItem): CountedItem => {
    switch (rng.int(7)) {
      case 0:
        return { ...item, status: rng.pick(statuses) };
      case 1:
        return { ...item, groupId: rng.pick(groups), status: 'assigned', dueAt: rng.pick(dueDates) };
      case 2:
        return { ...item, satisfaction: rng.pick(satisfactions), status: rng.pick(['closed', 'reopened'] as const) };
      case 3:
        return item.firstReplyAt ? item : { ...item, status: 'answered', firstReplyAt: new Date(Date.parse(item.createdAt) + rng.next() * 900 * HOUR).toISOString() };
      case 4: {
        const { dueAt: _dropped, ...rest } = item;
        return rng.chance(0.5) ? rest : { ...item, dueAt: rng.pick(dueDates) };
      }
      case 5:
        return rng.chance(0.5) ? { ...item, unitId: rng.pick(units), kind: rng.pick(kindIds) as Kind } : { ...item, overdueNotifiedFor: item.dueAt };
      default:
        return randomItem(rng, item.createdAt);
    }
  };

  for (const seed of [1, 2, 3, 42, 2027, 65535]) {
    it(`holds over a random history of creations, changes and removals (seed ${seed})`, () => {
      const rng = prng(seed);
      const items = new Map<number, CountedItem>();
      const counters = new Map<string, Counts>();
      let nextId = 0;
      let applied = 0;
      const apply = (before: CountedItem | null, after: CountedItem | null) => {
        for (const delta of counterDeltas(before, after)) {
          const key = cellKey(delta.phase, delta.groupId);
          const cell = counters.get(key) ?? {};
          counters.set(key, cell);
          for (const [name, n] of Object.entries(delta.counts)) {
            expect(n, `a delta never carries a zero (${name})`).not.toBe(0);
            cell[name] = (cell[name] ?? 0) + n;
            applied++;
          }
        }
      };
      for (let step = 0; step < 4000; step++) {
        const roll = rng.next();
        if (roll < 0.3 || items.size === 0) {
          const created = randomItem(rng, new Date(Date.UTC(2026, 10, 16) + step * 60_000).toISOString());
          items.set(nextId++, created);
          apply(null, created);
        } else if (roll < 0.95) {
          const id = rng.pick([...items.keys()]);
          const before = items.get(id)!;
          const after = change(rng, before);
          items.set(id, after);
          apply(before, after);
        } else {
          const id = rng.pick([...items.keys()]);
          apply(items.get(id)!, null);
          items.delete(id);
        }
        // Now and then, and at the end: the kept counters are the recount.
        if (step % 500 === 499) expect(nonZero(counters)).toEqual(nonZero(recount(items.values())));
      }
      expect(applied).toBeGreaterThan(1000);
      // Every name counted is one the directory's seeding gives each counter (so none appears later).
      const seeded = new Set(allCountNames(units.filter((u) => u !== undefined)));
      for (const counts of counters.values()) for (const name of Object.keys(counts)) expect(seeded, name).toContain(name);
      expect(nonZero(counters)).toEqual(nonZero(recount(items.values())));
      // No counter ever goes negative: every -1 undoes an earlier +1 of the same item.
      for (const counts of counters.values()) for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(0);

      // And the figures the dashboard derives from them are the ones a list would count.
      const all: Counts = {};
      for (const counts of counters.values()) for (const [name, n] of Object.entries(counts)) all[name] = (all[name] ?? 0) + n;
      const finals = [...items.values()];
      expect(all.overdue ?? 0).toBe(finals.filter((i) => openSet.has(i.status) && i.dueAt !== undefined && i.overdueNotifiedFor === i.dueAt).length);
      for (const status of statuses) expect(all[`status_${status}`] ?? 0).toBe(finals.filter((i) => i.status === status).length);
    });
  }
});
