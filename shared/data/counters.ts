import { DeleteCommand, GetCommand, PutCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { allCountNames, decodeCounts, encodeCounts, parseCounterCell, pendingTotal, type Counts } from '../domain/counters';
import type { Directory } from '../schemas/directory';
import type { DbDeps } from '../deps';
import { queryAll, refusalOf } from './db';
import { counterKey, counterLayoutKey, counterPartition, dueCounterPartition, dueBucketKey, tallyMarkerKey } from './keys';
import { layoutRace, once, withRetry } from './retry';
import { transactWrite } from './transact';

/**
 * The dashboard's counters, as the tally (shared/services/tally.ts) keeps them:
 *   `COUNTERS` / `#LAYOUT`             `slots`: the count names in storage order, append-only, and
 *                                      `rev`, its revision (shared/domain/counters.ts);
 *   `COUNTERS` / `<phase>#<group|->`   one counter per (phase, queue): `c`, its counts as one
 *                                      fixed-width binary value, and nothing that grows (a
 *                                      revision would gain digits: a write is conditional on the
 *                                      value it read instead);
 *   `DUECOUNT` / `<dueAt>`             per due instant, the open items not yet reported overdue,
 *                                      one number per (phase, queue) cell and their sum `pending`;
 *                                      deleted once `pending` is back to zero;
 *   `TALLY#<eventID>` / `TALLY`        which stream records a committed tally step covered.
 * Only the tally writes them (and storing the directory seeds the layout). Counters and the layout
 * are written conditional on what was read, so concurrent tallies (other shards) never lose each
 * other's counts: the loser reads again. Due buckets take their deltas with `ADD`.
 */

/** A write conditional on the revision read (0: the item did not exist). */
const revCondition = (readRev: number) =>
  readRev === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': readRev } };

/** The layout as stored, replacing the one read at `readRev`. */
const layoutPut = (tableName: string, layout: Layout) => ({
  TableName: tableName,
  Item: { ...counterLayoutKey, entity: 'counter-layout', slots: [...layout.slots], rev: layout.rev + 1 },
  ...revCondition(layout.rev),
});

export interface Layout {
  readonly slots: readonly string[];
  /** 0 when there is no layout item yet. */
  readonly rev: number;
}

const toLayout = (row: Record<string, unknown> | undefined): Layout => ({ slots: (row?.slots as string[] | undefined) ?? [], rev: Number(row?.rev ?? 0) });

export interface CounterRow {
  readonly phase: string;
  /** undefined for the office queue. */
  readonly groupId: string | undefined;
  readonly counts: Counts;
  /** The stored value as read: a write that replaces it is conditional on it. */
  readonly stored: Uint8Array | undefined;
}

/**
 * The layout and every counter, decoded: one Query on one partition, whatever the number of items.
 * Cost: the layout and (phases x queues) counters of 4 bytes per slot, all set by the directory
 * (~1 KB each with the demo's 68 units): the same units at any number of items.
 */
export const readCounterState = async ({ db }: DbDeps, consistent: boolean): Promise<{ layout: Layout; counters: Map<string, CounterRow> }> => {
  const rows = await queryAll(db, { TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': counterPartition }, ConsistentRead: consistent });
  const layout = toLayout(rows.find((row) => row.sk === counterLayoutKey.sk));
  const counters = new Map<string, CounterRow>();
  for (const row of rows) {
    if (row.sk === counterLayoutKey.sk) continue;
    const stored = row.c as Uint8Array | undefined;
    counters.set(String(row.sk), { ...parseCounterCell(String(row.sk)), counts: decodeCounts(stored, layout.slots), stored });
  }
  return { layout, counters };
};

/** Every counter (the dashboard's read), eventually consistent unless asked: the tally trails the items anyway. */
export const readCounters = async (deps: DbDeps, options: { phase?: string; consistent?: boolean } = {}): Promise<CounterRow[]> =>
  [...(await readCounterState(deps, options.consistent ?? false)).counters.values()].filter((row) => options.phase === undefined || row.phase === options.phase);

/** The layout's item as a caller read it before seedLayout (strongly consistent); `item` absent: none stored yet. */
export interface LayoutRead {
  readonly item?: Record<string, unknown>;
}

/**
 * Gives the layout every slot the directory implies before anything is counted for it: appends
 * the names it lacks, never removes one (old items keep counting where they were). Called whenever
 * the directory is stored. `ahead`: the layout as the caller read it beside its own read (the
 * write is conditional on the revision read, so a layout extended since costs a retry, which
 * reads it again). Cost: one small read, and one write when slots were added.
 */
export const seedLayout = ({ db }: DbDeps, directory: Pick<Directory, 'units'>, ahead?: LayoutRead): Promise<void> => {
  let read = ahead;
  // The tally may extend the layout at the same moment: then read it again (the layoutRace policy).
  return withRetry(layoutRace, async () => {
    const layout = toLayout(read ? read.item : (await db.client.send(new GetCommand({ TableName: db.tableName, Key: counterLayoutKey, ConsistentRead: true }))).Item);
    read = undefined;
    const missing = allCountNames(directory.units.map((u) => u.id)).filter((name) => !layout.slots.includes(name));
    if (missing.length > 0) await db.client.send(new PutCommand(layoutPut(db.tableName, { slots: [...layout.slots, ...missing], rev: layout.rev })));
  });
};

/** A due bucket's cells: its number attributes but the sum, zeros left out. */
const cellsOf = (row: Record<string, unknown>): Counts =>
  Object.fromEntries(Object.entries(row).filter(([name, n]) => typeof n === 'number' && n !== 0 && name !== pendingTotal)) as Counts;

export interface DueBucket {
  readonly dueAt: string;
  /** (phase, queue) cell -> open items due at this instant that the sweeper has not reported. */
  readonly cells: Counts;
}

/**
 * The due buckets whose instant is before `before`: what fell due since the sweeper last ran.
 * Empty buckets are deleted, so this reads the due instants since the last sweep (one a day, as
 * due dates are the end of a working day), never the items that fell due.
 */
export const readDueBucketsBefore = async ({ db }: DbDeps, before: string): Promise<DueBucket[]> =>
  (
    await queryAll(db, {
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :before',
      ExpressionAttributeValues: { ':pk': dueCounterPartition, ':before': before },
    })
  ).map((row) => ({ dueAt: String(row.sk), cells: cellsOf(row) }));

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Numbers to add to one due bucket. */
export interface CountUpdate {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly counts: Counts;
}

/** `ADD` every count of an update (cells are data, so each name goes through a placeholder). */
const addCounts = (tableName: string) => ({ key, counts }: CountUpdate): TransactItem => {
  const names = Object.keys(counts);
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:c${i}`, counts[name]])),
    },
  };
};

export interface TallyMarker {
  readonly eventId: string;
  /** The sequence number of the last stream record the step covers. */
  readonly through: string;
  readonly expiresAt: number;
}

/** Most entries one tally transaction holds (DynamoDB allows 100; a test ties them): its counters, due buckets, a grown layout and the marker. */
export const maxTallyEntries = 100;

export interface TallyCommit {
  /** The layout the counters were read with; `grown`: the slots they are written with, when longer. */
  readonly layout: Layout;
  readonly grown?: readonly string[];
  readonly counters: readonly { readonly cell: string; readonly counts: Counts; readonly read: Uint8Array | undefined }[];
  readonly due: readonly CountUpdate[];
  readonly marker: TallyMarker;
}

/**
 * One tally step, atomically: its counters written back conditional on the value each had when
 * read (compared by value: the new counts are the read ones plus this step's deltas), a grown
 * layout conditional on its revision, the due buckets' `ADD`s, and the marker of the stream
 * records it covers, stored only if no marker for its first record exists. Any failed condition
 * cancels all of it: the tally reads again (the tallyRace policy).
 * Cost: 2 WCU per KB of each counter written (a transaction), a few per due bucket and the marker.
 */
export const commitTally = async ({ db }: DbDeps, commit: TallyCommit): Promise<void> => {
  const slots = commit.grown ?? commit.layout.slots;
  const items: TransactItem[] = [
    ...(commit.grown ? [{ Put: layoutPut(db.tableName, { slots, rev: commit.layout.rev }) }] : []),
    ...commit.counters.map(({ cell, counts, read }) => ({
      Put: {
        TableName: db.tableName,
        Item: { ...counterKey(cell), entity: 'counter', c: encodeCounts(counts, slots) },
        ...(read ? { ConditionExpression: 'c = :read', ExpressionAttributeValues: { ':read': read } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    })),
    ...commit.due.map(addCounts(db.tableName)),
    {
      Put: {
        TableName: db.tableName,
        Item: { ...tallyMarkerKey(commit.marker.eventId), entity: 'tally-marker', through: commit.marker.through, expiresAt: commit.marker.expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  if (items.length > maxTallyEntries) throw new RangeError(`a tally transaction of ${items.length} entries`);
  // Tried once here: every cancellation the tally retries needs a fresh read first.
  await transactWrite({ db }, items, once);
};

/** The last sequence number a committed tally step starting at this record covered, if any. */
export const findTallyMarker = async ({ db }: DbDeps, eventId: string): Promise<string | null> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: tallyMarkerKey(eventId), ConsistentRead: true }));
  return Item ? String(Item.through) : null;
};

/**
 * Deletes a due bucket whose items have all been reported or gone (`pending` is zero), so the
 * dashboard does not read it again. A tally adding to it at the same moment makes the condition
 * fail (the bucket stays); one adding just after creates it again from nothing, which is right.
 */
export const dropDueBucketIfEmpty = async ({ db }: DbDeps, dueAt: string): Promise<void> => {
  await refusalOf(
    db.client.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: dueBucketKey(dueAt),
        ConditionExpression: '#pending = :zero',
        ExpressionAttributeNames: { '#pending': pendingTotal },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    ),
  );
};
