import type { Deps } from '../deps';
import { listItems, wholeListPageSize, type ListFilter, type ListSource } from '../data/lists';
import { allItemsPartition, groupPartition, groupStatusPartition, practicePartition, sessionItemsPartition, statusPartition, unitPartition, urgedPartition } from '../data/item-index-keys';
import { groupScope, type Principal } from '../domain/access';
import { ForbiddenError } from '../domain/errors';
import { openStatuses } from '../domain/lifecycle';
import { normalizeSessionCode } from '../domain/tracking-code-format';
import type { ListQuery } from '../schemas/staff';
import type { Status } from '../schemas/submission';
import { toSummary } from './views';

/** The staff's lists: the queue (paged), every match (the export), the good practices. */

/** A time span of creation, as instants: from (inclusive) to before (exclusive). */
export interface Period {
  readonly from?: string;
  readonly before?: string;
}

/** A query's filters; `period` is not one of GET /api/items' (the dashboard's and the report's). */
export type ListCriteria = Omit<ListQuery, 'limit' | 'cursor'> & { readonly period?: Period };

/**
 * Which index partitions to merge for a query, and which filters remain for the rows: every
 * condition the chosen partitions do not already guarantee is kept as a row filter.
 */
export const planList = (groups: readonly string[] | null, query: ListCriteria, now: Date) => {
  let statuses = query.status as Status[] | undefined;
  // Overdue items and waiting extension requests are open ones (a request needs an open item).
  if (query.overdue || query.extension) statuses = (statuses ?? [...openStatuses]).filter((s) => openStatuses.includes(s));
  let sources: ListSource[];
  const sessionCode = query.sessionCode === undefined ? undefined : normalizeSessionCode(query.sessionCode);
  if (statuses && statuses.length === 0) sources = [];
  // A session's items are few (one meeting's): their own partition, everything else filtered.
  else if (query.sessionCode !== undefined) sources = sessionCode ? [{ index: 'gsi8', partition: sessionItemsPartition(sessionCode) }] : [];
  // The open items urged for their due date are few (the sweeper's sparse URGED partition, gsi6).
  else if (query.urged) sources = [{ index: 'gsi6', partition: urgedPartition }];
  else if (groups && statuses) sources = groups.flatMap((g) => statuses!.map((s) => ({ index: 'gsi5' as const, partition: groupStatusPartition(g, s) })));
  else if (groups) sources = groups.map((g) => ({ index: 'gsi2' as const, partition: groupPartition(g) }));
  else if (query.unitId) sources = [{ index: 'gsi3', partition: unitPartition(query.unitId) }];
  else if (statuses) sources = statuses.map((s) => ({ index: 'gsi4' as const, partition: statusPartition(s) }));
  else sources = [{ index: 'gsi1', partition: allItemsPartition }];
  const index = sources[0]?.index;
  const byStatus = index === 'gsi4' || index === 'gsi5';
  const filter: ListFilter = {
    kind: query.kind,
    phase: query.phase,
    q: query.q,
    ...(query.unitId && index !== 'gsi3' ? { unitId: query.unitId } : {}),
    ...((index === 'gsi8' || index === 'gsi6') && groups ? { groupIds: groups } : {}),
    ...(query.sessionCode !== undefined && query.urged ? { urged: true } : {}),
    ...(statuses && !byStatus ? { statuses } : {}),
    ...(query.overdue === true ? { dueBefore: now.toISOString() } : {}),
    ...(query.extension === 'requested' ? { extensionRequested: true } : {}),
    ...(query.period?.from ? { createdFrom: query.period.from } : {}),
  };
  return { sources, filter };
};

/** The groups a request covers: its `groupId`, else the principal's own (null = all); 403 for another group. */
export const scopeFor = (principal: Principal, groupId: string | undefined): readonly string[] | null => {
  const own = groupScope(principal);
  if (groupId === undefined) return own;
  if (own !== null && !own.includes(groupId)) throw new ForbiddenError('You can only see the items of your own groups.');
  return [groupId];
};

/**
 * One page of the queue, from `after` (a previous page's `next`, as the cursor carried it); `next`
 * is absent on the last page.
 */
export const listForPrincipal = async (deps: Deps, principal: Principal, query: ListCriteria & { limit: number }, after: string | undefined) => {
  const now = deps.clock.now();
  const { sources, filter } = planList(scopeFor(principal, query.groupId), query, now);
  const page = await listItems(deps, sources, filter, { limit: query.limit, after });
  return { items: page.rows.map((row) => toSummary(row, now)), next: page.next };
};

/** The most recommended practices the report lists (the newest). */
export const maxPractices = 100;

/**
 * Every item a query matches, page by page (the export): memory stays one page deep. A period's
 * end is where the reading starts (sort keys begin with the creation time: `<createdAt>#<code>`
 * sorts below an instant exactly when it was created before it), and the reading stops once it is
 * past the period's start: a period costs the reads of its own items, not of the table.
 * `withFirstEvent`: see listItems (a session's rows, from gsi8, then carry it).
 */
export async function* allForPrincipal(deps: Deps, principal: Principal, query: ListCriteria, rows: { withFirstEvent?: boolean } = {}) {
  const now = deps.clock.now();
  const { sources, filter } = planList(scopeFor(principal, query.groupId), query, now);
  let after: string | undefined = query.period?.before;
  do {
    const page = await listItems(deps, sources, filter, { limit: wholeListPageSize, after, ...rows });
    yield page.rows;
    after = page.next;
  } while (after && !(query.period?.from && after < query.period.from));
}

/**
 * `pages` with its first page requested now, beside another read (the directory's, which the rows
 * do not need). A failed page read surfaces where the page is awaited, as it did when the page was
 * read after the other.
 */
export const startedPages = <T>(pages: AsyncGenerator<T, void>): AsyncGenerator<T, void> => {
  const first = pages.next();
  first.catch(() => undefined);
  return (async function* () {
    for (let page = await first; !page.done; page = await pages.next()) yield page.value;
  })();
};

/** The newest `maxPractices` recommended practices, of a phase and a period when given (the report's). */
export const practices = async (deps: Deps, within: { phase?: string; period?: Period } = {}) => {
  const now = deps.clock.now();
  const filter = { phase: within.phase, ...(within.period?.from ? { createdFrom: within.period.from } : {}) };
  const page = await listItems(deps, [{ index: 'gsi7', partition: practicePartition }], filter, { limit: maxPractices, after: within.period?.before });
  return { items: page.rows.map((row) => ({ ...toSummary(row, now), body: row.body ?? '' })) };
};
