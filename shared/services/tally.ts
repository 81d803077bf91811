import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { addDueDeltas, counterCell, counterDeltas, pendingDue, unitsOf, type CountedItem, type Counts, type DueDeltas } from '../domain/counters';
import {
  commitTally,
  findTallyMarker,
  maxTallyEntries,
  readCounterState,
  readDueBuckets,
  type TallyCommit,
} from '../data/counters';
import { tallyRace, withRetry } from '../data/retry';
import { isItemRecord } from '../data/keys';
import { logger } from '../observability/logger';

/**
 * The tally: folds the table's change stream into the dashboard's counters.
 *
 * Why from the stream and not in each write's transaction: a submission is then one PutItem, not
 * a transaction of the item, its event and a counter that every submission of a group shares (on
 * DynamoDB that counter is a hot key whose transactions conflict under a burst; on DynamoDB Local
 * the transaction costs three times the PutItem). The price is that the dashboard trails the items
 * by the stream's delay (under a second deployed; the local gateway lets the tally catch up before
 * it answers the dashboard).
 *
 * Exactly once: the event source mapping delivers records in order per shard, at least once, and
 * never skips (the tally's mapping retries until it succeeds, without bisecting). Each committed
 * step stores, in the same transaction as the counters, a marker keyed by its first record with the
 * last sequence number it covered. A delivery starts either where the last one ended, or at a
 * record where an earlier delivery began a step: the first record of a batch that failed as a whole
 * (a crash, a timeout: every step of it began at a step boundary), or the record a partial batch
 * response named (TallyIncomplete: the first record of the step that did not commit). Either way a
 * step that committed is found by its marker and skipped, and every step before it committed too. Counters are read, changed and
 * written back conditional on what was read, so concurrent tallies (other shards) never lose
 * each other's counts: the loser reads again.
 */

const image = (value: unknown): Record<string, unknown> | null =>
  value ? (unmarshall(value as Record<string, AttributeValue>) as Record<string, unknown>) : null;

const asItem = (raw: Record<string, unknown> | null): CountedItem | null =>
  raw && isItemRecord(raw) ? (raw as unknown as CountedItem) : null;

/** The counting effect of one stream record: null for anything but an item's own record. */
export const recordDelta = (record: DynamoDBRecord): { before: CountedItem | null; after: CountedItem | null } | null => {
  const before = asItem(image(record.dynamodb?.OldImage));
  const after = asItem(image(record.dynamodb?.NewImage));
  if (!before && !after) return null;
  return { before, after };
};

const sequence = (record: DynamoDBRecord): bigint => BigInt(record.dynamodb?.SequenceNumber ?? '0');

/** Marker lifetime: the stream keeps records 24 hours; a marker outlives any redelivery. */
const markerSeconds = 2 * 86_400;

interface Step {
  readonly records: readonly DynamoDBRecord[];
  /** How many of them are an item's own record (the rest are other entities: passed by). */
  readonly itemRecords: number;
  readonly counters: Map<string, Counts>;
  readonly due: DueDeltas;
}

/** The longest prefix of `records` whose changes fit one transaction. */
const nextStep = (records: readonly DynamoDBRecord[]): Step => {
  const counters = new Map<string, Counts>();
  const due: DueDeltas = new Map();
  let taken = 0;
  let itemRecords = 0;
  for (const record of records) {
    const delta = recordDelta(record);
    if (delta) {
      const deltas = counterDeltas(delta.before, delta.after);
      // Entries this record would add: counters and due buckets not in the step yet (at most).
      const newCells = new Set(deltas.map((d) => counterCell(d.phase, d.groupId)).filter((cell) => !counters.has(cell)));
      const newDue = new Set([delta.before, delta.after].map((item) => (item ? pendingDue(item)?.dueAt : undefined)).filter((d): d is string => d !== undefined && !due.has(d)));
      // Entries: counters + due buckets + a possible layout + the marker.
      if (taken > 0 && counters.size + newCells.size + due.size + newDue.size + 2 > maxTallyEntries) break;
      for (const d of deltas) {
        const cell = counterCell(d.phase, d.groupId);
        const into = counters.get(cell) ?? {};
        for (const [name, n] of Object.entries(d.counts)) into[name] = (into[name] ?? 0) + n;
        counters.set(cell, into);
      }
      addDueDeltas(due, delta.before, delta.after);
      itemRecords++;
    }
    taken++;
  }
  return { records: records.slice(0, taken), itemRecords, counters, due };
};

/** What a step changes, as stored now (strongly consistent). */
const readFor = (step: Step) => Promise.all([readCounterState({ consistent: true }), readDueBuckets([...step.due.keys()])]);

/** Commits one step: what it read plus its deltas, written back with the marker. */
const commitStep = async (step: Step, [state, buckets]: Awaited<ReturnType<typeof readFor>>, now: Date): Promise<void> => {
  const first = step.records[0];
  const last = step.records[step.records.length - 1];
  const newUnits = new Set<string>();
  for (const counts of step.counters.values()) for (const unit of unitsOf(counts)) if (!state.layout.units.includes(unit)) newUnits.add(unit);
  const units = [...state.layout.units, ...newUnits];
  const commit: TallyCommit = {
    ...(newUnits.size > 0 ? { layout: { units, readRev: state.layout.rev } } : {}),
    units,
    counters: [...step.counters].map(([cell, delta]) => {
      const stored = state.counters.get(cell);
      const counts: Counts = { ...(stored?.counts ?? {}) };
      for (const [name, n] of Object.entries(delta)) counts[name] = (counts[name] ?? 0) + n;
      for (const [name, n] of Object.entries(counts)) {
        if (n < 0) logger.error('a counter went negative', { cell, slot: name });
        if (n === 0) delete counts[name];
      }
      return { cell, counts, read: stored?.stored };
    }),
    due: [...step.due].map(([dueAt, delta]) => {
      const stored = buckets.get(dueAt);
      const cells: Record<string, number> = { ...(stored?.cells ?? {}) };
      for (const [cell, n] of delta) cells[cell] = (cells[cell] ?? 0) + n;
      for (const [cell, n] of Object.entries(cells)) if (n === 0) delete cells[cell];
      return { dueAt, cells, readRev: stored?.rev ?? 0 };
    }),
    marker: {
      eventId: first.eventID!,
      through: last.dynamodb!.SequenceNumber!,
      expiresAt: Math.floor(now.getTime() / 1000) + markerSeconds,
    },
  };
  await commitTally(commit);
};

/**
 * A batch counted only up to `resumeAt`: every record before it is durably counted (its step
 * committed with its marker), `resumeAt` and the rest are not. functions/tally.ts reports it as
 * the batch's failed record, so the event source mapping checkpoints before it and delivers again
 * from it: from the first record of a step that did not commit, or that committed without its
 * answer arriving, in which case the step's marker, keyed by that same record, skips what it counted.
 */
export class TallyIncomplete extends Error {
  override readonly name = 'TallyIncomplete';
  constructor(
    readonly resumeAt: DynamoDBRecord,
    override readonly cause: unknown,
  ) {
    super('the tally stopped inside a batch');
  }
}

/**
 * Folds a batch of stream records (in stream order) into the counters. When DynamoDB keeps
 * failing it throws: TallyIncomplete once records of the batch are counted (the batch is then
 * delivered again from the record it names), else the error itself (the whole batch comes back);
 * either way the markers make a redelivery count nothing twice.
 */
export const tallyRecords = async (records: readonly DynamoDBRecord[], now: Date = new Date()): Promise<{ counted: number; skipped: number }> => {
  let rest = records.filter((r) => r.eventID && r.dynamodb?.SequenceNumber);
  const start = rest[0];
  let counted = 0;
  let skipped = records.length - rest.length;
  try {
    while (rest.length > 0) {
      const step = nextStep(rest);
      const countsSomething = step.counters.size > 0 || step.due.size > 0;
      const first = rest[0];
      // A concurrent tally changed what this one read (or committed this very step): read again
      // (the tallyRace policy). A step that changes no count, other entities or changes that cancel
      // out, writes nothing.
      const through = await withRetry(tallyRace, async () => {
        // The marker and what the step changes are read together: one round trip per step, not two.
        const [marker, read] = await Promise.all([findTallyMarker(first.eventID!), countsSomething ? readFor(step) : null]);
        if (marker === null && read) await commitStep(step, read, now);
        return marker;
      });
      if (through !== null) {
        // Counted by an earlier delivery of these records (a marker covers at least its first one).
        const after = BigInt(through);
        const remaining = rest.filter((r) => sequence(r) > after);
        if (remaining.length === rest.length) throw new Error('a tally marker that does not cover its own record');
        skipped += rest.length - remaining.length;
        rest = remaining;
        continue;
      }
      counted += step.itemRecords;
      skipped += step.records.length - step.itemRecords;
      rest = rest.slice(step.records.length);
    }
  } catch (error) {
    // `rest` starts at the first record no committed step covers (steps commit in order). Nothing
    // counted by this delivery nor an earlier one: the error as it is, the whole batch comes back.
    if (rest[0] === start) throw error;
    throw new TallyIncomplete(rest[0], error);
  }
  return { counted, skipped };
};
