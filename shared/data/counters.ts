import { DeleteCommand, GetCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { allCountNames, counterCell, parseCounterCell, pendingTotal, type Counts } from '../domain/counters';
import type { Directory } from '../schemas/directory';
import type { DbDeps } from '../deps';
import { queryAll } from './db';
import { counterKey, counterPartition, dueCounterPartition, dueBucketKey, tallyMarkerKey } from './keys';
import { tallyRace } from './retry';
import { transactWrite } from './transact';

/**
 * The dashboard's counters, as the tally (shared/services/tally.ts) keeps them:
 *   `COUNTERS` / `<phase>#<group|->`   one counter per (phase, queue), its counts as number
 *                                      attributes named as shared/domain/counters.ts says;
 *   `DUECOUNT` / `<dueAt>`             per due instant, the open items not yet reported overdue,
 *                                      one number per (phase, queue) cell and their sum `pending`;
 *                                      deleted once `pending` is back to zero;
 *   `TALLY#<eventID>` / `TALLY`        which stream records a committed tally step covered.
 * Only the tally writes them, with `ADD`: DynamoDB adds a step's deltas to what is stored, so
 * concurrent tallies (other shards) never lose each other's counts and nothing is read first.
 */

/** The counts of a stored row: its number attributes, zeros left out. */
const countsOf = (row: Record<string, unknown>, leaveOut: readonly string[] = []): Counts =>
  Object.fromEntries(Object.entries(row).filter(([name, n]) => typeof n === 'number' && n !== 0 && !leaveOut.includes(name))) as Counts;

/** The counter rows as stored. */
const queryCounters = ({ db }: DbDeps, consistent: boolean) =>
  queryAll(db, { TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': counterPartition }, ConsistentRead: consistent });

export interface CounterRow {
  readonly phase: string;
  /** undefined for the office queue. */
  readonly groupId: string | undefined;
  readonly counts: Counts;
}

/**
 * Every counter (the dashboard's read): one Query on one partition, whatever the number of items.
 * What it reads is set by the directory: (phases x queues) counters, each holding every count name
 * (seedCounters), ~4 KB for the demo directory's 68 units. More items only lengthen the numbers:
 * one byte plus one per two digits, so a count gains a byte at 100 and at 10,000, never more
 * than two below a million. A Query is billed by the bytes it reads rounded up to 4 KB, so those
 * bytes move the units only where they cross a 4 KB boundary: bounded (two bytes per count), not
 * constant. The demo's 4,266 counts read 8.5 units at 500 and 5,000 items
 * (test/scale/staff-scale.test.ts compares them), but 8.5 at 1,000 and 9 at 20,000 in the bench
 * (its total crossed a boundary). Eventually consistent: the tally trails the items anyway.
 */
export const readCounters = async (deps: DbDeps, options: { phase?: string; consistent?: boolean } = {}): Promise<CounterRow[]> =>
  (await queryCounters(deps, options.consistent ?? false))
    .map((row) => ({ ...parseCounterCell(String(row.sk)), counts: countsOf(row) }))
    .filter((row) => options.phase === undefined || row.phase === options.phase);

/** Names one UpdateItem adds at most: its expression stays under DynamoDB's 4 KB. */
const namesPerSeed = 200;

/**
 * Gives every (phase, queue) counter of the directory every count name it lacks, at zero (`ADD 0`
 * leaves a count the tally stored in between as it is: no race), so that a counter weighs the
 * same whatever the items. Called whenever the directory is stored; a unit or group removed later
 * keeps its names (old items keep counting where they were). Cost: one Query of the counters, and
 * an UpdateItem (1 WCU per KB of its counter) per counter and 200 names missing, none when no
 * phase, group or unit was added.
 */
export const seedCounters = async (deps: DbDeps, directory: Pick<Directory, 'campaign' | 'groups' | 'units'>): Promise<void> => {
  const { db } = deps;
  const names = allCountNames(directory.units.map((u) => u.id));
  const stored = new Map((await queryCounters(deps, true)).map((row) => [row.sk, row]));
  const queues = [...directory.groups.map((g) => g.id as string | undefined), undefined];
  const cells = directory.campaign.phases.flatMap((phase) => queues.map((groupId) => counterCell(phase.id, groupId)));
  const updates = cells.flatMap((cell) => {
    const missing = names.filter((name) => stored.get(cell)?.[name] === undefined);
    return Array.from({ length: Math.ceil(missing.length / namesPerSeed) }, (_, i) => ({ cell, names: missing.slice(i * namesPerSeed, (i + 1) * namesPerSeed) }));
  });
  await Promise.all(
    updates.map(({ cell, names: chunk }) =>
      db.client.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: counterKey(cell),
          UpdateExpression: `ADD ${chunk.map((_, j) => `#c${j} :zero`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(chunk.map((name, j) => [`#c${j}`, name])),
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      ),
    ),
  );
};

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
  ).map((row) => ({ dueAt: String(row.sk), cells: countsOf(row, [pendingTotal]) }));

/** Numbers to add to one stored row (a counter or a due bucket). */
export interface CountUpdate {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly counts: Counts;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** `ADD` every count of an update (names are data, so each goes through a placeholder). */
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

/** Most updates one tally transaction holds besides its marker (DynamoDB allows 100 entries). */
export const maxTallyUpdates = 99;

export interface TallyMarker {
  readonly eventId: string;
  /** The sequence number of the last stream record the step covers. */
  readonly through: string;
  readonly expiresAt: number;
}

/**
 * One tally step, atomically: its updates and the marker of the stream records it covers,
 * stored only if no marker for its first record exists. Returns null when it committed, or the
 * `through` of the marker an earlier delivery committed (nothing of this one is stored then).
 * A transaction cancelled because another tally held a counter at that moment is tried again
 * (the tallyRace policy): `ADD` needs no fresh read. Cost: 2 WCU per KB of each row written, and
 * the marker.
 */
export const commitTally = async (deps: DbDeps, updates: readonly CountUpdate[], marker: TallyMarker): Promise<string | null> => {
  const { db } = deps;
  if (updates.length > maxTallyUpdates) throw new RangeError(`a tally step of ${updates.length} updates`);
  try {
    await transactWrite(
      deps,
      [
        ...updates.map(addCounts(db.tableName)),
        {
          Put: {
            TableName: db.tableName,
            Item: { ...tallyMarkerKey(marker.eventId), entity: 'tally-marker', through: marker.through, expiresAt: marker.expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      tallyRace,
    );
    return null;
  } catch (error) {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if (reasons?.at(-1)?.Code !== 'ConditionalCheckFailed') throw error;
    const through = await findTallyMarker(deps, marker.eventId);
    if (through === null) throw error;
    return through;
  }
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
  try {
    await db.client.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: dueBucketKey(dueAt),
        ConditionExpression: '#pending = :zero',
        ExpressionAttributeNames: { '#pending': pendingTotal },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
};
