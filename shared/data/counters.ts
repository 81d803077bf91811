import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeCounts, encodeCounts, parseCounterCell, type Counts } from '../domain/counters';
import type { Directory } from '../schemas/directory';
import { dynamo, queryAll, tableName } from './client';
import { counterLayoutKey, counterPartition, dueBucketKey, dueCounterPartition, tallyMarkerKey } from './keys';
import { layoutRace, unprocessedKeys, UnprocessedKeysError, withRetry } from './retry';

/**
 * The dashboard's counters, as the tally (shared/services/tally.ts) keeps them:
 *   `COUNTERS` / `#LAYOUT`              the append-only list of unit ids that gives every unit its
 *                                      slots (shared/domain/counters.ts), and its revision;
 *   `COUNTERS` / `<phase>#<group|->`    one counter per (phase, queue): `c`, the counts as one
 *                                      fixed-width binary value (and nothing that grows: a
 *                                      revision number would gain digits, so a write is made
 *                                      conditional on the value it read instead);
 *   `DUECOUNT` / `<dueAt>`             per due instant, the open items not yet reported overdue,
 *                                      per (phase, queue) cell; deleted when it reaches zero;
 *   `TALLY#<eventID>` / `TALLY`        which stream records a committed tally covered (see below).
 * Only the tally writes them (and putDirectory seeds the layout); every write is conditional on
 * what it read, so concurrent tallies never lose each other's counts.
 */

/** A write conditional on the revision read (0: the item did not exist). */
const revCondition = (readRev: number) =>
  readRev === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': readRev } };

/** The layout as stored, replacing the one read at `readRev`. */
const layoutPut = (units: readonly string[], readRev: number) => ({
  TableName: tableName,
  Item: { ...counterLayoutKey, entity: 'counter-layout', units: [...units], rev: readRev + 1 },
  ...revCondition(readRev),
});

export interface Layout {
  readonly units: readonly string[];
  /** 0 when there is no layout item yet. */
  readonly rev: number;
}

export interface CounterRow {
  readonly phase: string;
  /** undefined for the office queue. */
  readonly groupId: string | undefined;
  readonly counts: Counts;
}

export interface StoredCounter extends CounterRow {
  readonly cell: string;
  /** The stored value as read: the write that replaces it is conditional on it. */
  readonly stored: Uint8Array | undefined;
}

export interface CounterState {
  readonly layout: Layout;
  readonly counters: ReadonlyMap<string, StoredCounter>;
}

/**
 * The layout and every counter: one Query on one partition, whatever the number of items.
 * Cost: (phases × queues) counters of fixed size (~1 KB each with 68 units) plus the layout:
 * ~5 RCU strongly consistent for the demo directory, half that eventually consistent.
 */
export const readCounterState = async (options: { consistent: boolean }): Promise<CounterState> => {
  const raw = await queryAll({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': counterPartition },
    ConsistentRead: options.consistent,
  });
  const layoutItem = raw.find((r) => r.sk === counterLayoutKey.sk);
  const layout: Layout = layoutItem
    ? { units: (layoutItem.units as string[] | undefined) ?? [], rev: Number(layoutItem.rev ?? 0) }
    : { units: [], rev: 0 };
  const counters = new Map<string, StoredCounter>();
  for (const r of raw) {
    if (r === layoutItem || typeof r.sk !== 'string') continue;
    const stored = r.c as Uint8Array | undefined;
    counters.set(r.sk, { cell: r.sk, ...parseCounterCell(r.sk), counts: decodeCounts(stored, layout.units), stored });
  }
  return { layout, counters };
};

/** Every counter (the dashboard's read), eventually consistent: the tally trails the items anyway. */
export const readCounters = async (phase?: string): Promise<CounterRow[]> => {
  const { counters } = await readCounterState({ consistent: false });
  return [...counters.values()].filter((row) => phase === undefined || row.phase === phase);
};

/**
 * Makes sure every unit of the directory has its slots before anything is counted for it:
 * appends the units the layout lacks (never removes one: old items keep counting where they were).
 * Called whenever the directory is stored. Cost: one small read, and one small write when units
 * were added.
 */
export const seedLayout = (directory: Pick<Directory, 'units'>): Promise<void> =>
  // The tally may extend the layout at the same moment: then read it again (the layoutRace policy).
  withRetry(layoutRace, async () => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: counterLayoutKey, ConsistentRead: true }));
    const units = (Item?.units as string[] | undefined) ?? [];
    const rev = Number(Item?.rev ?? 0);
    const missing = directory.units.map((u) => u.id).filter((id) => !units.includes(id));
    if (missing.length > 0) await dynamo.send(new PutCommand(layoutPut([...units, ...missing], rev)));
  });

export interface DueBucket {
  readonly dueAt: string;
  /** (phase, queue) cell -> open items due at this instant that the sweeper has not reported. */
  readonly cells: Readonly<Record<string, number>>;
  readonly rev: number;
}

const toBucket = (raw: Record<string, unknown>): DueBucket => ({
  dueAt: String(raw.sk),
  cells: (raw.cells as Record<string, number> | undefined) ?? {},
  rev: Number(raw.rev ?? 0),
});

/**
 * The due buckets whose instant is before `before`: what fell due since the sweeper last ran.
 * Empty buckets are deleted, so this reads the due instants since the last sweep (one a day, as
 * due dates are the end of a working day), never the items that fell due.
 */
export const readDueBucketsBefore = async (before: string): Promise<DueBucket[]> =>
  (
    await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :before',
      ExpressionAttributeValues: { ':pk': dueCounterPartition, ':before': before },
    })
  ).map(toBucket);

/** The named due buckets, strongly consistent (the tally's read before it changes them). */
export const readDueBuckets = async (dueAts: readonly string[]): Promise<Map<string, DueBucket>> => {
  const found = new Map<string, DueBucket>();
  for (let i = 0; i < dueAts.length; i += 100) {
    let keys: Record<string, unknown>[] = dueAts.slice(i, i + 100).map(dueBucketKey);
    // What DynamoDB left unprocessed is asked for again (the unprocessedKeys policy); beyond it,
    // the error stands for the throttling it is.
    await withRetry(unprocessedKeys, async () => {
      const out = await dynamo.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
      for (const raw of out.Responses?.[tableName] ?? []) found.set(String(raw.sk), toBucket(raw));
      keys = (out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (keys.length > 0) throw new UnprocessedKeysError();
    });
  }
  return found;
};

/** The last stream sequence number a committed tally starting at this record covered, if any. */
export const findTallyMarker = async (eventId: string): Promise<string | null> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: tallyMarkerKey(eventId), ConsistentRead: true }));
  return Item ? String(Item.through) : null;
};

export interface TallyCommit {
  /** A grown layout to store (with the revision it was read at). */
  readonly layout?: { readonly units: readonly string[]; readonly readRev: number };
  /** The units every counter below is encoded with. */
  readonly units: readonly string[];
  readonly counters: readonly { readonly cell: string; readonly counts: Counts; readonly read: Uint8Array | undefined }[];
  readonly due: readonly { readonly dueAt: string; readonly cells: Readonly<Record<string, number>>; readonly readRev: number }[];
  readonly marker: { readonly eventId: string; readonly through: string; readonly expiresAt: number };
}


type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Most entries one tally transaction holds (DynamoDB allows 100); the tally chunks its records to fit. */
export const maxTallyEntries = 99;

/**
 * One tally step, atomically: the new counters and due buckets, each conditional on what was
 * read, and the marker of the stream records it covers. Either all of it is stored or
 * none: a retried batch finds the marker and skips what was counted; a concurrent tally makes a
 * revision check fail and this one reads again.
 * Cost: 2 WCU per KB of each counter written (a transaction), a few per due bucket and the marker.
 */
export const commitTally = async (commit: TallyCommit): Promise<void> => {
  const items: TransactItems = [];
  if (commit.layout) items.push({ Put: layoutPut(commit.layout.units, commit.layout.readRev) });
  for (const counter of commit.counters) {
    items.push({
      Put: {
        TableName: tableName,
        Item: { pk: counterPartition, sk: counter.cell, entity: 'counter', c: encodeCounts(counter.counts, commit.units) },
        // Unchanged since it was read, compared by value: the new counts are the read ones plus
        // this step's deltas (a value that went away and came back is still the right base).
        ...(counter.read
          ? { ConditionExpression: 'c = :read', ExpressionAttributeValues: { ':read': counter.read } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });
  }
  for (const bucket of commit.due) {
    const key = dueBucketKey(bucket.dueAt);
    const empty = Object.values(bucket.cells).every((n) => n === 0);
    if (empty && bucket.readRev === 0) continue;
    items.push(
      empty
        ? { Delete: { TableName: tableName, Key: key, ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': bucket.readRev } } }
        : { Put: { TableName: tableName, Item: { ...key, entity: 'due-count', cells: bucket.cells, rev: bucket.readRev + 1 }, ...revCondition(bucket.readRev) } },
    );
  }
  items.push({
    Put: {
      TableName: tableName,
      Item: { ...tallyMarkerKey(commit.marker.eventId), entity: 'tally-marker', through: commit.marker.through, expiresAt: commit.marker.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  if (items.length > maxTallyEntries + 1) throw new RangeError(`a tally transaction of ${items.length} entries`);
  await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
};
