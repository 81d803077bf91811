import type { Deps } from '../deps';
import { listItems, wholeListPageSize, type ListFilter, type ListSource, type SummaryRow } from '../data/lists';
import { ledgerSortKeyParts, rectificationGroupPartition, rectificationGroupStatusPartition, rectificationsPartition, rectificationStatusPartition, rectificationUnitPartition } from '../data/rectification-keys';
import { isLiaisonOnly, seesAll, type Principal } from '../domain/access';
import { ForbiddenError } from '../domain/errors';
import { rectificationStatuses, unitOwesWork, type RectificationStatus } from '../domain/rectification';
import type { LedgerQuery, LedgerRow } from '../schemas/rectification';

/**
 * The rectification ledger (整改台账, GET /api/rectifications): the ledger rows of
 * shared/data/rectification-keys.ts `rectificationRow`, earliest deadline first (the overdue lead), merged from
 * the partitions a query needs, like the item lists (shared/data/lists.ts). Office and leaders see
 * every row; a responder their groups'; a liaison their units'. Cost: a page reads about its size
 * in ~300-byte rows per partition merged (one partition unless a status list or several groups).
 */

export type LedgerCriteria = Omit<LedgerQuery, 'limit' | 'cursor'>;

const own = (mine: readonly string[], asked: string | undefined, refusal: string): readonly string[] => {
  if (asked === undefined) return mine;
  if (!mine.includes(asked)) throw new ForbiddenError(refusal);
  return [asked];
};

/** Which ledger partitions to merge, and which conditions remain as row filters. */
export const planLedger = (principal: Principal, query: LedgerCriteria, now: Date): { sources: ListSource[]; filter: ListFilter } => {
  let statuses = query.status as RectificationStatus[] | undefined;
  if (query.overdue) statuses = (statuses ?? [...rectificationStatuses]).filter(unitOwesWork);
  const overdue: ListFilter = query.overdue ? { dueBefore: now.toISOString() } : {};
  if (statuses?.length === 0) return { sources: [], filter: {} };
  // A liaison: their units' rows (gsi3), everything else filtered.
  if (isLiaisonOnly(principal)) {
    const units = own(principal.units, query.unitId, 'You can only see the rectifications of your own unit.');
    return {
      sources: units.map((u) => ({ index: 'gsi3' as const, partition: rectificationUnitPartition(u) })),
      filter: { ...(query.groupId ? { groupId: query.groupId } : {}), ...(statuses ? { statuses: statuses as never } : {}), ...overdue },
    };
  }
  const groups = seesAll(principal) ? (query.groupId === undefined ? null : [query.groupId]) : own(principal.groups, query.groupId, 'You can only see the rectifications of your own groups.');
  let sources: ListSource[];
  if (groups && statuses) sources = groups.flatMap((g) => statuses!.map((s) => ({ index: 'gsi5' as const, partition: rectificationGroupStatusPartition(g, s) })));
  else if (groups) sources = groups.map((g) => ({ index: 'gsi2' as const, partition: rectificationGroupPartition(g) }));
  else if (query.unitId) sources = [{ index: 'gsi3', partition: rectificationUnitPartition(query.unitId) }];
  else if (statuses) sources = statuses.map((s) => ({ index: 'gsi4' as const, partition: rectificationStatusPartition(s) }));
  else sources = [{ index: 'gsi1', partition: rectificationsPartition }];
  const index = sources[0]?.index;
  return {
    sources,
    filter: {
      ...(query.unitId && index !== 'gsi3' ? { unitId: query.unitId } : {}),
      ...(statuses && index === 'gsi3' ? { statuses: statuses as never } : {}),
      ...overdue,
    },
  };
};

export const toLedgerRow = (row: SummaryRow, now: Date): LedgerRow => {
  const { deadline, updatedAt } = ledgerSortKeyParts(row.sortKey ?? '');
  const status = row.status as unknown as RectificationStatus;
  return {
    trackingCode: row.trackingCode,
    title: row.title,
    unitId: row.unitId ?? '',
    ...(row.groupId ? { groupId: row.groupId } : {}),
    status,
    deadline,
    overdue: unitOwesWork(status) && row.dueAt !== undefined && row.dueAt < now.toISOString(),
    updatedAt,
  };
};

/** One page of the ledger from `after` (a previous page's `next`). */
export const ledgerPage = async (deps: Deps, principal: Principal, query: LedgerCriteria & { limit: number }, after: string | undefined) => {
  const now = deps.clock.now();
  const { sources, filter } = planLedger(principal, query, now);
  const page = await listItems(deps, sources, filter, { limit: query.limit, after, order: 'earliest', withSortKey: true });
  return { items: page.rows.map((row) => toLedgerRow(row, now)), next: page.next };
};

/** Every ledger row a query matches, page by page (the XLSX ledger): memory stays one page deep. */
export async function* allLedgerRows(deps: Deps, principal: Principal, query: LedgerCriteria) {
  const now = deps.clock.now();
  const { sources, filter } = planLedger(principal, query, now);
  let after: string | undefined;
  do {
    const page = await listItems(deps, sources, filter, { limit: wholeListPageSize, after, order: 'earliest', withSortKey: true });
    yield page.rows.map((row) => toLedgerRow(row, now));
    after = page.next;
  } while (after);
}
