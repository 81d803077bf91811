import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DbDeps } from '../deps';
import type { Kind } from '../schemas/directory';
import type { Status } from '../schemas/submission';
import type { EventRecord, ItemRecord } from './items';
import { openStatuses } from '../domain/lifecycle';
import { extensionRequestedOfListSortKey, itemIndexKeyNames, listRankOf, originOfListSortKey, urgedAtOfListSortKey } from './item-index-keys';

/**
 * Item lists, newest first, from the list indexes (gsi1..gsi5, gsi7, gsi8): never a Scan.
 *
 * A list is one or more *sources* (an index partition each: all items, a group, a unit, a status,
 * a group in a status) merged by their common sort key `<createdAt>#<code>`, plus filters applied
 * to the index rows. Each round reads at most `perSource` rows from each source, so a page costs
 * reads in proportion to the page size and the number of sources, never to the size of the table;
 * a sparse filter may give a short page with a cursor to go on.
 */
export interface ListSource {
  readonly index: 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4' | 'gsi5' | 'gsi6' | 'gsi7' | 'gsi8';
  readonly partition: string;
}

export interface ListFilter {
  readonly kind?: Kind;
  readonly phase?: string;
  readonly unitId?: string;
  readonly groupId?: string;
  /** Only items of these groups (a responder's view of a list that is not by group). */
  readonly groupIds?: readonly string[];
  readonly statuses?: readonly Status[];
  /** Only open items whose due date is before this instant. */
  readonly dueBefore?: string;
  /** Text in the title. */
  readonly q?: string;
  /** Only items urged for their current due date (a session's list; every other list of them is read from URGED). */
  readonly urged?: boolean;
  /**
   * Only items waiting for the office's decision on a deadline extension: tested on the rows read
   * (their sort key's mark, shared/data/item-index-keys.ts), not by DynamoDB, which cannot filter on an
   * index's key; the rows are read from the open items' lists, so a page reads up to its bound
   * and may come back short with a cursor.
   */
  readonly extensionRequested?: boolean;
  /** Only items created at or after this instant (a report's period; its end is where the reading starts). */
  readonly createdFrom?: string;
}

export type SummaryRow = Pick<
  ItemRecord,
  'trackingCode' | 'kind' | 'title' | 'status' | 'unitId' | 'groupId' | 'phase' | 'createdAt' | 'dueAt' | 'recommended' | 'version' | 'firstReplyAt' | 'closedAt' | 'satisfaction' | 'overdueNotifiedFor'
> &
  Required<Pick<ItemRecord, 'source' | 'answeredOnSpot'>> &
  Pick<ItemRecord, 'sessionCode' | 'urgedAt'> & {
    body?: string;
    remindedFor?: string;
    sortKey?: string;
    /** On rows of the indexes that project every attribute (gsi7, gsi8). */
    rectification?: ItemRecord['rectification'];
    /** The item's first event, on the same rows when asked for (`withFirstEvent`). */
    firstEvent?: EventRecord;
  };

/** Rows per Query when a whole list is read page after page (exports, the dashboard's counts, the ledger). */
export const wholeListPageSize = 100;

/** Newest first (the item lists, by creation) or earliest first (the ledger, by deadline). */
export type ListOrder = 'newest' | 'earliest';

export interface ListPage {
  readonly rows: SummaryRow[];
  /** Exclusive upper bound of the next page's sort keys; absent on the last page. */
  readonly next?: string;
}

const maxRounds = 3;

/** `:g0, :g1, ...` for an `IN (...)` of `list`, its values put in `values`. */
export const placeholders = (values: Record<string, unknown>, prefix: string, list: readonly unknown[]): string =>
  list
    .map((value, i) => {
      values[`:${prefix}${i}`] = value;
      return `:${prefix}${i}`;
    })
    .join(', ');

const filterExpression = (filter: ListFilter) => {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  /** `#attribute`, bound in `names`. */
  const name = (attribute: keyof SummaryRow | 'urgedFor') => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  /** `:key`, bound to `value` in `values`. */
  const value = (key: string, bound: unknown) => {
    values[`:${key}`] = bound;
    return `:${key}`;
  };
  const eq = (attribute: keyof SummaryRow, bound: unknown) => parts.push(`${name(attribute)} = ${value(attribute, bound)}`);
  if (filter.kind) eq('kind', filter.kind);
  if (filter.phase) eq('phase', filter.phase);
  if (filter.unitId) eq('unitId', filter.unitId);
  if (filter.groupId) eq('groupId', filter.groupId);
  if (filter.groupIds) {
    const groupId = name('groupId');
    parts.push(filter.groupIds.length ? `${groupId} IN (${placeholders(values, 'g', filter.groupIds)})` : `(attribute_exists(${groupId}) AND attribute_not_exists(${groupId}))`);
  }
  if (filter.statuses) parts.push(`${name('status')} IN (${placeholders(values, 's', filter.statuses)})`);
  if (filter.dueBefore) parts.push(`${name('dueAt')} < ${value('dueBefore', filter.dueBefore)}`);
  // gsi8 projects every attribute: the item's own marks say it.
  if (filter.urged) parts.push(`${name('urgedFor')} = ${name('dueAt')} AND ${name('status')} IN (${placeholders(values, 'o', openStatuses)})`);
  if (filter.createdFrom) parts.push(`${name('createdAt')} >= ${value('createdFrom', filter.createdFrom)}`);
  if (filter.q) parts.push(`contains(${name('title')}, ${value('q', filter.q)})`);
  return parts.length ? { expression: parts.join(' AND '), names, values } : null;
};

/**
 * A list row: the item's attributes, without keys, with its origin (what the sort key carries,
 * shared/data/item-index-keys.ts `listSortKey`), and the sort key of the index it was read from.
 */
const stripIndexKeys = (raw: Record<string, unknown>, index: ListSource['index'], withFirstEvent: boolean): SummaryRow & { sortKey: string } => {
  const row: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'pk' || name === 'sk' || name === 'entity' || (name === 'firstEvent' && !withFirstEvent) || (itemIndexKeyNames as readonly string[]).includes(name)) continue;
    row[name] = value;
  }
  const sortKey = String(raw[`${index}sk`]);
  const urgedAt = urgedAtOfListSortKey(sortKey);
  return { ...originOfListSortKey(sortKey), ...(urgedAt ? { urgedAt } : {}), ...(row as SummaryRow), sortKey };
};

/**
 * One page of the merged sources, newest first, starting below `after` (a previous page's `next`).
 * `withFirstEvent`: the rows keep the item's first event, where the index projects it (gsi7, gsi8):
 * for a reader that would otherwise read it from the item.
 */
export const listItems = async (
  { db }: DbDeps,
  sources: readonly ListSource[],
  filter: ListFilter,
  options: { limit: number; after?: string; order?: ListOrder; withSortKey?: boolean; withFirstEvent?: boolean },
): Promise<ListPage> => {
  const filtering = filterExpression(filter);
  const keep = (row: { sortKey: string }) => !filter.extensionRequested || extensionRequestedOfListSortKey(row.sortKey);
  const earliest = options.order === 'earliest';
  const perSource = filtering || filter.extensionRequested ? Math.min(200, options.limit * 4) : options.limit + 1;
  const rows: SummaryRow[] = [];
  const output = ({ sortKey, ...row }: SummaryRow & { sortKey: string }): SummaryRow => (options.withSortKey ? { ...row, sortKey } : row);
  let position = options.after;
  for (let round = 1; round <= maxRounds; round++) {
    const need = options.limit - rows.length;
    const results = await Promise.all(
      sources.map(async (source) => {
        const page = await db.client.send(
          new QueryCommand({
            TableName: db.tableName,
            IndexName: source.index,
            KeyConditionExpression: position ? `#pk = :pk AND #sk ${earliest ? '>' : '<'} :position` : '#pk = :pk',
            ExpressionAttributeNames: {
              '#pk': `${source.index}pk`,
              ...(position ? { '#sk': `${source.index}sk` } : {}),
              ...(filtering?.names ?? {}),
            },
            // Earliest first: past every key of the rank's row, whatever rides after its rank.
            ExpressionAttributeValues: { ':pk': source.partition, ...(position ? { ':position': earliest ? `${position}#~` : position } : {}), ...(filtering?.values ?? {}) },
            ...(filtering ? { FilterExpression: filtering.expression } : {}),
            ScanIndexForward: earliest,
            Limit: perSource,
          }),
        );
        // Positions are ranks: the urged mark at a key's end may change between pages, its rank never.
        const lastKey = page.LastEvaluatedKey ? listRankOf(String(page.LastEvaluatedKey[`${source.index}sk`])) : null;
        return { items: (page.Items ?? []).map((raw) => stripIndexKeys(raw, source.index, options.withFirstEvent === true)), lastKey };
      }),
    );
    // Everything at or above the highest place a source stopped at has been seen by every source
    // (earliest first: at or below the lowest).
    const frontier = results.reduce<string | null>((edge, r) => (r.lastKey !== null && (edge === null || (earliest ? r.lastKey < edge : r.lastKey > edge)) ? r.lastKey : edge), null);
    const sign = earliest ? -1 : 1;
    const complete = results
      .flatMap((r) => r.items)
      .filter((row) => (frontier === null || (earliest ? listRankOf(row.sortKey) <= frontier : row.sortKey >= frontier)) && keep(row))
      .sort((a, b) => sign * (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    if (complete.length > need || (complete.length === need && frontier !== null)) {
      const taken = complete.slice(0, need);
      rows.push(...taken.map(output));
      return { rows, next: listRankOf(taken[taken.length - 1].sortKey) };
    }
    rows.push(...complete.map(output));
    if (frontier === null) return { rows };
    position = frontier;
  }
  return { rows, next: position };
};
