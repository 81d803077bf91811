import type { DynamoDBRecord } from 'aws-lambda';
import { addCounts, allCountNames, counterCell, counterDeltas, countName, dueDeltas, pendingTotal, respondBySlots, unitsOf, type CountedItem, type Counts } from '../domain/counters';
import { commitTally, dropDueBucketIfEmpty, findTallyMarker, maxTallyEntries, readCounterState, type CountUpdate } from '../data/counters';
import { counterKey, counterPartition, dueBucketKey, isItemRecord } from '../data/keys';
import { tallyRace, withRetry } from '../data/retry';
import { logger } from '../observability/logger';
import { countedItemImage } from '../schemas/stream-images';
import { parkPoisonRecord, parseImage, PoisonRecord, readStreamImage } from './stream-records';
import type { DbDeps } from '../deps';
import { streamRetentionHours } from '../workers';

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
 * never skips (the tally's mapping retries until it succeeds, without bisecting). Each step is one
 * transaction: the counters it read, plus its deltas, written back conditional on what was read,
 * and a marker keyed by its first record, holding the last sequence number it covered, put only if
 * it does not exist (so two deliveries of one step at the same moment cannot both count; concurrent
 * tallies of other shards never lose each other's counts: the loser reads again). A delivery starts
 * either where the last one ended, or at a record where an earlier delivery began a step: the first
 * record of a batch that failed as a whole (a crash, a timeout: every step of it began at a step
 * boundary), or the record a partial batch response named (TallyIncomplete: the first record of
 * the step that did not commit). Either way a step that committed finds its marker, counts nothing,
 * and the records it covered are skipped; every step before it committed too.
 *
 * Retried without end means a record the tally can never count would stop it for good: an item
 * image whose counted attributes do not parse is parked instead (shared/services/stream-records.ts)
 * and counts nothing; a DynamoDB failure is still thrown and retried.
 */

const asItem = (record: DynamoDBRecord, which: 'NewImage' | 'OldImage'): CountedItem | null => {
  const raw = readStreamImage(record.dynamodb?.[which]);
  return raw && isItemRecord(raw) ? parseImage(countedItemImage, raw, which) : null;
};

/**
 * The counting effect of one stream record: null for anything but an item's own record. Throws a
 * PoisonRecord for an item whose counted attributes do not parse (it is parked, not counted).
 */
export const recordDelta = (record: DynamoDBRecord): { before: CountedItem | null; after: CountedItem | null } | null => {
  const before = asItem(record, 'OldImage');
  const after = asItem(record, 'NewImage');
  if (!before && !after) return null;
  return { before, after };
};

const sequence = (record: DynamoDBRecord): bigint => BigInt(record.dynamodb?.SequenceNumber ?? '0');

/** Marker lifetime: twice as long as the stream keeps a record, so a marker outlives any redelivery. */
const markerSeconds = 2 * streamRetentionHours * 3600;

interface Step {
  readonly records: readonly DynamoDBRecord[];
  /** How many of them are an item's own record (the rest are other entities: passed by). */
  readonly itemRecords: number;
  /** Counters and due buckets by key, with what to add to each (none that adds nothing). */
  readonly updates: CountUpdate[];
  /** Item records whose image does not parse: parked before the step commits, counted never. */
  readonly poisoned: readonly { readonly record: DynamoDBRecord; readonly reason: string }[];
}

/** What one record adds to which row: its counters and due buckets. */
const updatesOf = (before: CountedItem | null, after: CountedItem | null): CountUpdate[] => [
  ...counterDeltas(before, after).map((d) => ({ key: counterKey(counterCell(d.phase, d.groupId)), counts: d.counts })),
  ...dueDeltas(before, after).map((d) => ({ key: dueBucketKey(d.dueAt), counts: d.counts })),
];

/** The longest prefix of `records` whose updates fit one transaction (with a grown layout and the marker). */
const nextStep = (records: readonly DynamoDBRecord[]): Step => {
  const updates = new Map<string, CountUpdate>();
  const id = ({ key }: CountUpdate) => `${key.pk}|${key.sk}`;
  let taken = 0;
  let itemRecords = 0;
  const poisoned: { record: DynamoDBRecord; reason: string }[] = [];
  for (const record of records) {
    let delta: ReturnType<typeof recordDelta>;
    try {
      delta = recordDelta(record);
    } catch (error) {
      if (!(error instanceof PoisonRecord)) throw error;
      poisoned.push({ record, reason: error.reason });
      delta = null;
    }
    if (delta) {
      const adds = updatesOf(delta.before, delta.after);
      if (taken > 0 && updates.size + adds.filter((u) => !updates.has(id(u))).length + 2 > maxTallyEntries) break;
      for (const add of adds) updates.set(id(add), { key: add.key, counts: addCounts(updates.get(id(add))?.counts ?? {}, add.counts) });
      itemRecords++;
    }
    taken++;
  }
  // Changes that cancel out within the step add nothing.
  return { records: records.slice(0, taken), itemRecords, updates: [...updates.values()].filter((u) => Object.keys(u.counts).length > 0), poisoned };
};

/**
 * Commits one step: reads the counters (strongly consistent), adds the step's deltas, gives the
 * layout the slots it lacks (a unit the directory does not list yet, or no directory stored yet)
 * and writes it all back.
 */
const commitStep = async (deps: DbDeps, step: Step, now: Date): Promise<void> => {
  const { layout, counters } = await readCounterState(deps, true);
  const counterUpdates = step.updates.filter((u) => u.key.pk === counterPartition);
  // Every slot of the units counted (as storing the directory would give them), and the fixed ones.
  const counted: Counts = Object.assign({}, ...counterUpdates.map((u) => u.counts));
  // And every response window end first met (one slot per working day: shared/domain/counters.ts).
  const windowSlots = respondBySlots(counted).map(([instant]) => countName.respondBy(instant));
  const newSlots = [...new Set([...allCountNames(unitsOf(counted)), ...windowSlots])].filter((name) => !layout.slots.includes(name));
  await commitTally(deps, {
    layout,
    ...(newSlots.length > 0 ? { grown: [...layout.slots, ...newSlots] } : {}),
    counters: counterUpdates.map(({ key, counts }) => {
      const stored = counters.get(key.sk);
      const sum = addCounts({ ...stored?.counts }, counts);
      for (const [slot, n] of Object.entries(sum)) if (n < 0) logger.error('a counter went negative', { cell: key.sk, slot });
      return { cell: key.sk, counts: sum, read: stored?.stored };
    }),
    due: step.updates.filter((u) => u.key.pk !== counterPartition),
    marker: { eventId: step.records[0].eventID!, through: step.records.at(-1)!.dynamodb!.SequenceNumber!, expiresAt: Math.floor(now.getTime() / 1000) + markerSeconds },
  });
};

/** Due buckets a step emptied are deleted (a failure only leaves a bucket of zeros to read). */
const dropEmptiedDueBuckets = async (deps: DbDeps, step: Step): Promise<void> => {
  for (const update of step.updates) {
    if (update.key.pk === counterPartition || (update.counts[pendingTotal] ?? 0) >= 0) continue;
    await dropDueBucketIfEmpty(deps, update.key.sk).catch((error: unknown) => logger.warn('a due bucket was not dropped', { error, dueAt: update.key.sk }));
  }
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
export const tallyRecords = async (deps: DbDeps, records: readonly DynamoDBRecord[], now: Date = new Date()): Promise<{ counted: number; skipped: number }> => {
  let rest = records.filter((r) => r.eventID && r.dynamodb?.SequenceNumber);
  const start = rest[0];
  let counted = 0;
  let skipped = records.length - rest.length;
  try {
    while (rest.length > 0) {
      const step = nextStep(rest);
      // Counted by an earlier delivery? The marker is read first: a redelivered step then costs
      // one small read. A step that changes no count (other entities, or changes that cancel out)
      // writes nothing. A lost race (another tally changed what this one read, or committed this
      // very step) reads again, the marker first (the tallyRace policy).
      const through = await withRetry(tallyRace, async () => {
        const marker = await findTallyMarker(deps, rest[0].eventID!);
        // Parked before the step commits, each at most once (keyed by its eventID): a step whose
        // marker exists parked its records already, one that failed parks them again for nothing.
        if (marker === null) for (const { record, reason } of step.poisoned) await parkPoisonRecord(deps, 'tally', record, reason, now);
        if (marker === null && step.updates.length > 0) await commitStep(deps, step, now);
        return marker;
      });
      if (through !== null) {
        // Counted by an earlier delivery of these records (a marker covers at least its first one).
        const remaining = rest.filter((r) => sequence(r) > BigInt(through));
        if (remaining.length === rest.length) throw new Error('a tally marker that does not cover its own record');
        skipped += rest.length - remaining.length;
        rest = remaining;
        continue;
      }
      await dropEmptiedDueBuckets(deps, step);
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
