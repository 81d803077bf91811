import { answeredPartition, duePartition, keptContactPartition, urgePartition } from './item-index-keys';
import { rectificationDuePartition, rectificationStatusPartition } from './rectification-keys';
import { rectificationStatuses, unitOwesWork } from '../domain/rectification';
import type { DbDeps } from '../deps';
import { queryAll } from './db';

/**
 * The sweeper's reads, on the sparse index gsi6: only items that can need the sweeper are in it,
 * so a sweep costs reads in proportion to what is due, never to the table.
 *   `DUE`      open items not yet reported overdue for their due date, by due date
 *   `URGE`     open items reported overdue and not yet urged (催办) for that due date, by due date
 *   `URGED`    open items urged for their due date, newest first (`GET /api/items?urged=true`)
 *   `ANSWERED` answered items, by the time of the latest answer
 *   `CONTACT`  ended items (closed, rejected, merged) that still hold contact details, by when they ended
 *   `RECTDUE`  rectifications the unit owes work on, not yet reminded of their deadline, by deadline
 *              (ledger rows, shared/data/rectification-keys.ts `rectificationRow`)
 */
const queryRange = async ({ db }: DbDeps, partition: string, from: string | undefined, before: string): Promise<string[]> =>
  (
    await queryAll(db, {
      TableName: db.tableName,
      IndexName: 'gsi6',
      KeyConditionExpression: from ? 'gsi6pk = :pk AND gsi6sk BETWEEN :from AND :before' : 'gsi6pk = :pk AND gsi6sk < :before',
      ExpressionAttributeValues: { ':pk': partition, ':before': before, ...(from ? { ':from': from } : {}) },
      ProjectionExpression: 'trackingCode',
    })
  ).map((row) => String(row.trackingCode));

/** Open items whose due date is before `now` and that the office has not been told about. */
export const overdueCodes = (deps: DbDeps, now: string) => queryRange(deps, duePartition, undefined, now);

/** Open items due between `now` and `until` (inclusive): the reminders' candidates. */
export const dueSoonCodes = (deps: DbDeps, now: string, until: string) => queryRange(deps, duePartition, now, `${until}~`);

/**
 * Open items reported overdue for a due date before `before` and not urged for it, with that due
 * date (from the index key): the urging's candidates, decided on the due date before any item is read.
 */
export const awaitingUrgeRows = async ({ db }: DbDeps, before: string): Promise<{ trackingCode: string; dueAt: string }[]> =>
  (
    await queryAll(db, {
      TableName: db.tableName,
      IndexName: 'gsi6',
      KeyConditionExpression: 'gsi6pk = :pk AND gsi6sk < :before',
      ExpressionAttributeValues: { ':pk': urgePartition, ':before': before },
      ProjectionExpression: 'trackingCode, gsi6sk',
    })
  ).map((row) => ({ trackingCode: String(row.trackingCode), dueAt: String(row.gsi6sk).split('#')[0] }));

/** Items answered before `before` and still waiting for a rating. */
export const answeredBeforeCodes = (deps: DbDeps, before: string) => queryRange(deps, answeredPartition, undefined, before);

/** Ended items that ended before `before` and still hold the submitter's contact details. */
export const contactKeptBeforeCodes = (deps: DbDeps, before: string) => queryRange(deps, keptContactPartition, undefined, before);

/** Rectifications not yet reminded whose deadline (a local date) is between `from` and `until`, inclusive. */
export const rectificationsDueBetween = (deps: DbDeps, from: string, until: string) => queryRange(deps, rectificationDuePartition, from, `${until}~`);

/**
 * The rectifications the unit owes work on past their deadline, as (group, phase) rows: the ledger
 * rows of the three statuses whose deadline day is before `today` (a deadline's instant is never
 * before the end of its day), then those whose instant has passed. Cost: one Query per status (gsi4,
 * the ledger's `RECTSTATUS#` partitions), reading only the rows past their deadline day.
 */
export const overdueRectificationRows = async ({ db }: DbDeps, today: string, nowIso: string): Promise<{ groupId?: string; phase?: string }[]> => {
  const pages = await Promise.all(
    rectificationStatuses.filter(unitOwesWork).map((status) =>
      queryAll(db, {
        TableName: db.tableName,
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :today',
        ExpressionAttributeValues: { ':pk': rectificationStatusPartition(status), ':today': today },
        ProjectionExpression: 'groupId, phase, dueAt',
      }),
    ),
  );
  return pages.flat().filter((row) => typeof row.dueAt === 'string' && row.dueAt < nowIso).map((row) => ({ groupId: row.groupId as string | undefined, phase: row.phase as string | undefined }));
};
