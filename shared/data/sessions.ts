import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DbDeps, Deps } from '../deps';
import { SessionClosedError } from '../domain/errors';
import { queryAll, refusalOf } from './db';
import { ItemExistsError, StaleItemError } from './errors';
import { ratingSkPrefix, sessionIndexKeys, sessionKey, sessionPk, sessionRatingKey, sessionSk, sessionsPartition } from './keys';
import { placeholders } from './lists';
import type { Admission, CancellationReason } from './room';
import { transactWrite } from './transact';

/** A training session as stored (minus key attributes). The join key is kept: staff print it again. */
export interface SessionRecord {
  code: string;
  title: string;
  startsAt: string;
  endsAt?: string;
  place?: string;
  /** The campaign phase at `startsAt`. */
  phase: string;
  groupId?: string;
  unitIds: string[];
  open: boolean;
  joinKey: string;
  createdAt: string;
  updatedAt: string;
  createdBy: { sub: string; name: string };
  version: number;
  /**
   * How many ratings the session holds, counted by each rating's own transaction (addRating) from
   * the session's creation; absent on a session stored before it was counted (its ratings are
   * then only known by reading them). Never written by an edit (replaceSession).
   */
  ratingCount?: number;
}

export interface RatingRecord {
  score: number;
  comment?: string;
  createdAt: string;
}

const keyAttributes = new Set(['pk', 'sk', 'entity', 'gsi8pk', 'gsi8sk']);
const strip = <T>(raw: Record<string, unknown>): T => Object.fromEntries(Object.entries(raw).filter(([k]) => !keyAttributes.has(k))) as T;

const sessionRow = (db: DbDeps['db'], session: SessionRecord) => ({
  TableName: db.tableName,
  Item: { ...sessionKey(session.code), entity: 'session', ...sessionIndexKeys(session), ...session },
});

/** Stores a new session, no rating counted yet; ItemExistsError when its drawn code is taken. Cost: 1 conditional PutItem (~1 KB, with gsi8: ~2 WCU). */
export const createSession = async ({ db }: DbDeps, session: SessionRecord): Promise<void> => {
  const row = sessionRow(db, { ...session, ratingCount: 0 });
  if (await refusalOf(db.client.send(new PutCommand({ ...row, ConditionExpression: 'attribute_not_exists(pk)' })))) throw new ItemExistsError();
};

/** The session alone. Cost: 1 strongly consistent read. */
export const getSession = async ({ db }: DbDeps, code: string): Promise<SessionRecord | null> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: sessionKey(code), ConsistentRead: true }));
  return Item ? strip<SessionRecord>(Item) : null;
};

/** What an edit never writes: the count the ratings keep, which may have grown since `current` was read. */
const countedByRatings = 'ratingCount';

/**
 * Makes the session `next` if it is still at `current`'s version (StaleItemError otherwise): every
 * attribute of `next` is set and those `current` had and `next` lacks are removed, all but the
 * ratings' count, which ratings given since `current` was read have added to (a whole-record
 * PutItem would take them back). Cost: 1 conditional UpdateItem (~1 KB, with gsi8: ~2 WCU).
 */
export const replaceSession = async ({ db }: DbDeps, current: SessionRecord, next: SessionRecord): Promise<void> => {
  const set = Object.entries({ entity: 'session', ...sessionIndexKeys(next), ...next }).filter(([name]) => name !== countedByRatings);
  const removed = Object.keys(current).filter((name) => !(name in next) && name !== countedByRatings);
  const refused = await refusalOf(
    db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: sessionKey(next.code),
        UpdateExpression: `SET ${set.map((_, i) => `#s${i} = :s${i}`).join(', ')}${removed.length > 0 ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: {
          '#version': 'version',
          ...Object.fromEntries(set.map(([name], i) => [`#s${i}`, name])),
          ...Object.fromEntries(removed.map((name, i) => [`#r${i}`, name])),
        },
        ExpressionAttributeValues: { ':expected': current.version, ...Object.fromEntries(set.map(([, value], i) => [`:s${i}`, value])) },
      }),
    ),
  );
  if (refused) throw new StaleItemError();
};

/** The session with every rating it has (one Query on its partition; ratings sort after `#SESSION`). */
export const getSessionWithRatings = async ({ db }: DbDeps, code: string): Promise<{ session: SessionRecord; ratings: RatingRecord[] } | null> => {
  const rows = await queryAll(db, {
    TableName: db.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': sessionPk(code) },
    ConsistentRead: true,
  });
  const session = rows.find((row) => row.sk === sessionSk);
  if (!session) return null;
  const ratings = rows.filter((row) => String(row.sk).startsWith(ratingSkPrefix)).map((row) => strip<RatingRecord>(row));
  return { session: strip<SessionRecord>(session), ratings };
};

/** The condition a write through a session's link carries: the session exists and is open. */
export const sessionOpenCheck = ({ db }: DbDeps, code: string) => ({
  ConditionCheck: {
    TableName: db.tableName,
    Key: sessionKey(code),
    ConditionExpression: '#open = :true',
    ExpressionAttributeNames: { '#open': 'open' },
    ExpressionAttributeValues: { ':true': true },
  },
});

/**
 * The session's part of a rating's transaction: the check that it is still open and, on a session
 * whose ratings are counted (`ratingCount`, from its creation), one more counted. Which of the two
 * is decided by the record read before (`counted`): a session never gains or loses its count.
 */
const ratedSession = (deps: Pick<Deps, 'db'>, code: string, counted: boolean) => {
  if (!counted) return sessionOpenCheck(deps, code);
  const { ConditionCheck: check } = sessionOpenCheck(deps, code);
  return {
    Update: {
      ...check,
      UpdateExpression: 'ADD #count :one',
      ExpressionAttributeNames: { ...check.ExpressionAttributeNames, '#count': countedByRatings },
      ExpressionAttributeValues: { ...check.ExpressionAttributeValues, ':one': 1 },
    },
  };
};

/**
 * Stores one rating, in one transaction with the check that the session is still open (so a
 * rating racing the office's close is refused, not stored), the session's count of ratings (see
 * ratedSession) and the room's entries of the write (the address's counters, a spent proof:
 * shared/data/room.ts). Cost: a transaction of two to four small writes.
 */
export const addRating = async (deps: Pick<Deps, 'db'>, session: Pick<SessionRecord, 'code' | 'ratingCount'>, id: string, rating: RatingRecord, admission: Admission): Promise<void> => {
  const { db } = deps;
  const { code } = session;
  try {
    await transactWrite(deps, [
      { Put: { TableName: db.tableName, Item: { ...sessionRatingKey(code, rating.createdAt, id), entity: 'rating', ...rating } } },
      ratedSession(deps, code, session.ratingCount !== undefined),
      ...admission.entries,
    ]);
  } catch (error) {
    const reasons = error instanceof TransactionCanceledException ? ((error.CancellationReasons ?? []) as CancellationReason[]) : null;
    if (reasons?.[1]?.Code === 'ConditionalCheckFailed') throw new SessionClosedError();
    const refusal = reasons && admission.refusal(reasons.slice(2));
    if (refusal) throw refusal;
    throw error;
  }
};

export interface SessionListFilter {
  /** Only sessions starting at or after this instant. */
  readonly from?: string;
  /** Only sessions starting at or before this instant. */
  readonly to?: string;
  readonly groupId?: string;
  readonly phase?: string;
  /** A responder's groups: their groups' sessions and the office's own (no group). null = all. */
  readonly visibleGroups: readonly string[] | null;
}

/** Queries one page of sessions may take, each reading `overRead` times the rows still wanted, at most `maxRoundRows`. */
const maxRounds = 5;
const overRead = 4;
const maxRoundRows = 200;

/**
 * One page of sessions, newest `startsAt` first, below `after` (a previous page's `next`): a Query
 * on gsi8's `SESSIONS` partition between the dates, the rest filtered. Each round reads at most
 * `overRead` pages' worth, so a sparse filter gives a short page with a cursor rather than a long read.
 */
export const listSessions = async ({ db }: DbDeps, filter: SessionListFilter, options: { limit: number; after?: string }) => {
  const names: Record<string, string> = { '#pk': 'gsi8pk' };
  const values: Record<string, unknown> = { ':pk': sessionsPartition };
  const conditions: string[] = [];
  const eq = (attribute: string, value: unknown) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    conditions.push(`#${attribute} = :${attribute}`);
  };
  if (filter.groupId) eq('groupId', filter.groupId);
  if (filter.phase) eq('phase', filter.phase);
  if (filter.visibleGroups) {
    names['#groupId'] = 'groupId';
    const groups = filter.visibleGroups.length ? ` OR #groupId IN (${placeholders(values, 'g', filter.visibleGroups)})` : '';
    conditions.push(`(attribute_not_exists(#groupId)${groups})`);
  }
  // Sort keys are `<startsAt>#<code>`: '#' < '~' makes the upper bound take the whole last instant.
  const upper = [options.after, filter.to ? `${filter.to}~` : undefined].filter((v): v is string => v !== undefined).sort()[0];
  const lower = filter.from;
  const key = ['#pk = :pk'];
  if (upper !== undefined || lower !== undefined) names['#sk'] = 'gsi8sk';
  if (upper !== undefined && lower !== undefined) {
    key.push('#sk BETWEEN :lower AND :upper');
    Object.assign(values, { ':lower': lower, ':upper': upper });
  } else if (upper !== undefined) {
    key.push('#sk < :upper');
    values[':upper'] = upper;
  } else if (lower !== undefined) {
    key.push('#sk >= :lower');
    values[':lower'] = lower;
  }
  const rows: (SessionRecord & { sortKey: string })[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let round = 0; round < maxRounds; round++) {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'gsi8',
        KeyConditionExpression: key.join(' AND '),
        ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: Math.min(maxRoundRows, (options.limit - rows.length) * overRead + 1),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const raw of page.Items ?? []) {
      // `BETWEEN` includes its upper bound: a cursor's own row was on the previous page.
      if (options.after !== undefined && String(raw.gsi8sk) >= options.after) continue;
      rows.push({ ...strip<SessionRecord>(raw), sortKey: String(raw.gsi8sk) });
    }
    startKey = page.LastEvaluatedKey;
    if (rows.length >= options.limit || !startKey) break;
  }
  const taken = rows.slice(0, options.limit).map(({ sortKey: _sk, ...session }) => session);
  // More rows than the page holds: the next page starts below the last one shown; else below
  // the last row the Query evaluated, if it stopped early.
  const next = rows.length > options.limit ? rows[options.limit - 1].sortKey : startKey ? String(startKey.gsi8sk) : undefined;
  return { sessions: taken, next };
};
