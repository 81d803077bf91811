import type { Deps } from '../deps';
import { readCounters, readDueBucketsBefore } from '../data/counters';
import type { Principal } from '../domain/access';
import { contributions, countName, firstReplyHistogram, medianFromHistogram, parseCounterCell, pendingDue, unitsOf, type Counts } from '../domain/counters';
import { rateOf, ratesOf } from '../domain/rates';
import { openStatuses } from '../domain/lifecycle';
import { isRectificationOverdue, rectificationStatuses, type RectificationStatus } from '../domain/rectification';
import { overdueRectificationRows } from '../data/due';
import { kindIds, minCountOf } from '../schemas/directory';
import { statusSchema, type Status } from '../schemas/submission';
import { officeName, requireDirectory } from './directory';
import { allForPrincipal, scopeFor, type Period } from './item-lists';
import { getItemAttributes } from '../data/item-attributes';
import type { SummaryRow } from '../data/lists';
import type { ItemRecord } from '../data/items';
import { addCalendarDays, startOfLocalDay } from '../domain/calendar';
import { compareIds } from '../domain/id-order';

/** Counts per queue (`groupId`, undefined for the office queue) and the items time has moved beyond them. */
interface Tallies {
  readonly rows: readonly { readonly groupId: string | undefined; readonly counts: Counts }[];
  /** Per queue (`-` the office's): open items past due that `rows` do not count as overdue. */
  readonly pendingOverdue: ReadonlyMap<string, number>;
  /** Per queue, the rectifications past their deadline, when counted from the items themselves (a session's). */
  readonly rectificationOverdue?: ReadonlyMap<string, number>;
}

/** The dashboard's filters; `from`/`to` are local days (YYYY-MM-DD) of creation, in the directory's timezone. */
export type DashboardQuery = { groupId?: string; phase?: string; sessionCode?: string; from?: string; to?: string };

/** The tally's counters (shared/services/tally.ts): the same read cost whatever the number of items. */
const storedTallies = async (deps: Deps, query: DashboardQuery, nowIso: string, inScope: (groupId: string | undefined) => boolean): Promise<Tallies> => {
  const [rows, fellDue] = await Promise.all([readCounters(deps, { phase: query.phase }), readDueBucketsBefore(deps, nowIso)]);
  // Overdue now = what the sweeper has counted + what fell due since it last ran.
  const pendingOverdue = new Map<string, number>();
  for (const bucket of fellDue) {
    for (const [cell, n] of Object.entries(bucket.cells)) {
      const { phase, groupId } = parseCounterCell(cell);
      if (!inScope(groupId) || (query.phase !== undefined && phase !== query.phase)) continue;
      pendingOverdue.set(groupId ?? '-', (pendingOverdue.get(groupId ?? '-') ?? 0) + n);
    }
  }
  return { rows, pendingOverdue };
};

/** The item attributes the counters count that the list indexes do not project (the response and resolution rates, the rectification). */
const countedAttributes = ['resolved', 'routedAt', 'respondBy', 'respondedAt', 'rectification'] as const;

/**
 * Figures counted from the items themselves, with the very functions the tally counts with: for a
 * training session (the counters are per phase and queue, not per session: its items are read from
 * gsi8, the same rows GET /api/items?sessionCode= lists) or a period of creation (the items created
 * in it, newest first, from the period's end). The read grows with the items counted (one meeting's,
 * one period's), never with the table; a period's rows from the list indexes are completed with
 * `countedAttributes` (one BatchGetItem per 100 items, DynamoDB's most: shared/data/item-attributes.ts).
 */
const countedTallies = async (deps: Deps, principal: Principal, query: DashboardQuery, period: Period | undefined, now: Date, shared: SharedRows): Promise<Tallies> => {
  const rows: { groupId: string | undefined; counts: Counts }[] = [];
  const pendingOverdue = new Map<string, number>();
  const rectificationOverdue = new Map<string, number>();
  const add = (into: Map<string, number>, key: string) => into.set(key, (into.get(key) ?? 0) + 1);
  // A caller that takes the rows also gets `urgedFor` (what puts an item in the URGED list: itemIndexKeys).
  const attributes = shared.countedRows ? [...countedAttributes, 'urgedFor' as const] : countedAttributes;
  for await (const page of shared.countedPages ?? allForPrincipal(deps, principal, { groupId: query.groupId, phase: query.phase, sessionCode: query.sessionCode, period })) {
    // gsi8 projects every attribute; the other list indexes do not.
    const more: Map<string, Partial<Pick<ItemRecord, (typeof attributes)[number]>>> = query.sessionCode === undefined ? await getItemAttributes(deps, page.map((row) => row.trackingCode), attributes) : new Map();
    shared.countedRows?.(page, more);
    for (const row of page) {
      const item = { ...row, ...more.get(row.trackingCode) };
      rows.push({ groupId: item.groupId, counts: contributions(item) });
      const due = pendingDue(item);
      if (due && due.dueAt < now.toISOString()) add(pendingOverdue, item.groupId ?? '-');
      if (item.rectification && isRectificationOverdue(item.rectification, now)) add(rectificationOverdue, item.groupId ?? '-');
    }
  }
  return { rows, pendingOverdue, rectificationOverdue };
};

const firstCalendarDay = '0001-01-01';
const lastCalendarDay = '9999-12-31';

/** The instants a `from`/`to` pair of local days spans, or undefined for neither. */
export const periodOf = (query: Pick<DashboardQuery, 'from' | 'to'>, timezone: string): Period | undefined =>
  query.from === undefined && query.to === undefined
    ? undefined
    : {
        ...(query.from !== undefined ? { from: startOfLocalDay(query.from, timezone).toISOString() } : {}),
        // The calendar's last day has no day after it: nothing is created then, so no end.
        ...(query.to !== undefined && query.to < lastCalendarDay ? { before: startOfLocalDay(addCalendarDays(query.to, 1), timezone).toISOString() } : {}),
      };

/**
 * Instants that hold a `from`/`to` pair's period whatever the timezone (UTC offsets run from -12
 * to +14 hours): its UTC days and a day more on each side, open where that would leave the
 * calendar. Reads bounded by it can go out before the directory says the timezone; what they
 * return is then kept to the period (`inPeriod`).
 */
export const anyZonePeriodOf = (query: Pick<DashboardQuery, 'from' | 'to'>): Period | undefined =>
  query.from === undefined && query.to === undefined
    ? undefined
    : {
        ...(query.from !== undefined && query.from > firstCalendarDay ? { from: startOfLocalDay(addCalendarDays(query.from, -1), 'UTC').toISOString() } : {}),
        ...(query.to !== undefined && query.to < addCalendarDays(lastCalendarDay, -1) ? { before: startOfLocalDay(addCalendarDays(query.to, 2), 'UTC').toISOString() } : {}),
      };

/** Whether an instant falls in `period` (from inclusive, before exclusive), as the list reads bound it. */
export const inPeriod = (period: Period | undefined, at: string): boolean => (period?.from === undefined || at >= period.from) && (period?.before === undefined || at < period.before);

/**
 * The open items urged (催办) for their due date, per queue (`-` the office's): counted from the very
 * rows `GET /api/items?urged=true` lists for the same filters, so the figure is the list's by
 * construction. Not a counter: the sweeper's sparse `URGED` partition of gsi6 (or, with a session,
 * the session's items) holds exactly those items, so the read grows with the items urged and still
 * open (the ladder's last step: few, and each leaves it once answered or re-dated), never with the
 * table: one Query per `wholeListPageSize` of them (shared/data/lists.ts).
 */
const urgedByQueue = async (deps: Deps, principal: Principal, query: DashboardQuery, period: Period | undefined, urgedRows?: UrgedRows): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  for await (const page of urgedRows ? [await urgedRows] : urgedPages(deps, principal, query, period)) {
    for (const row of page) counts.set(row.groupId ?? '-', (counts.get(row.groupId ?? '-') ?? 0) + 1);
  }
  return counts;
};

/** The rows `GET /api/items?urged=true` lists for the dashboard's filters, page by page. */
export const urgedPages = (deps: Deps, principal: Principal, query: DashboardQuery, period: Period | undefined) =>
  allForPrincipal(deps, principal, { groupId: query.groupId, phase: query.phase, sessionCode: query.sessionCode, urged: true, period });

/** Every urged row of the dashboard's filters, when its caller reads them anyway (the report lists them): read once, not twice. */
export type UrgedRows = Promise<readonly SummaryRow[]>;

/**
 * Handed each page of the list rows the figures are counted from (a period's, a session's), as
 * they are read, with what the BatchGetItem added to them (`urgedFor` too; none for a session's).
 */
export type CountedRows = (rows: readonly SummaryRow[], more: ReadonlyMap<string, Partial<Pick<ItemRecord, (typeof countedAttributes)[number] | 'urgedFor'>>>) => void;

/** What a caller that reads the same rows hands the dashboard, or takes from it (the report). */
export interface SharedRows {
  readonly urgedRows?: UrgedRows;
  readonly countedRows?: CountedRows;
  /** The list rows to count from, when the caller reads them itself (the report, ahead of the directory). */
  readonly countedPages?: AsyncIterable<readonly SummaryRow[]>;
}

/**
 * The rectifications past their deadline per queue (`-` the office's), for the phase asked: from
 * the ledger's rows past their deadline day (shared/data/due.ts), so the read grows with the
 * overdue rectifications, never with the table. The day bound is the UTC day after `nowIso`, which
 * no timezone's today is later than, so that the read need not wait for the directory's timezone:
 * it then takes at most a day's deadlines more, which have not passed and are left out by their
 * instant (overdueRectificationRows keeps only rows whose `dueAt` is before `nowIso`).
 */
const overdueRectificationsByQueue = async (deps: Deps, nowIso: string, phase: string | undefined, inScope: (groupId: string | undefined) => boolean) => {
  const counts = new Map<string, number>();
  for (const row of await overdueRectificationRows(deps, addCalendarDays(nowIso.slice(0, 10), 1), nowIso)) {
    if (!inScope(row.groupId) || (phase !== undefined && row.phase !== phase)) continue;
    counts.set(row.groupId ?? '-', (counts.get(row.groupId ?? '-') ?? 0) + 1);
  }
  return counts;
};

/** A queue's rectification figures: per status (the tally's counters), and those past their deadline. */
const rectificationFigures = (counts: Record<string, number>, overdue: number) => ({
  ...(Object.fromEntries(rectificationStatuses.map((s) => [s, counts[countName.rectification(s)] ?? 0])) as Record<RectificationStatus, number>),
  overdue,
});

/**
 * The dashboard: totals, groups, hot-spot units, kinds and satisfaction, for the principal's scope;
 * with `sessionCode`, of that session's items only; with `from`/`to`, of the items created then.
 */
export const dashboard = async (deps: Deps, principal: Principal, query: DashboardQuery, shared: SharedRows = {}) => {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const scope = scopeFor(principal, query.groupId);
  const inScope = (groupId: string | undefined) => scope === null || (groupId !== undefined && scope.includes(groupId));
  // Only a period waits for the directory (its days are the directory's timezone's); otherwise the
  // directory is read beside the figures. The reads do not depend on each other: one round trip.
  const directoryRead = requireDirectory(deps);
  const period = query.from === undefined && query.to === undefined ? undefined : periodOf(query, (await directoryRead).campaign.timezone);
  const counted = query.sessionCode !== undefined || period !== undefined;
  const [{ rows, pendingOverdue, rectificationOverdue }, urged, ledgerOverdue, directory] = await Promise.all([
    counted ? countedTallies(deps, principal, query, period, now, shared) : storedTallies(deps, query, nowIso, inScope),
    urgedByQueue(deps, principal, query, period, shared.urgedRows),
    counted ? undefined : overdueRectificationsByQueue(deps, nowIso, query.phase, inScope),
    directoryRead,
  ]);
  const visible = rows.filter((row) => inScope(row.groupId));
  const rectOverdue = rectificationOverdue ?? ledgerOverdue ?? new Map<string, number>();

  const byGroupId = new Map<string, Record<string, number>>();
  for (const row of visible) {
    const key = row.groupId ?? '-';
    const into = byGroupId.get(key) ?? {};
    for (const [name, n] of Object.entries(row.counts)) into[name] = (into[name] ?? 0) + n;
    byGroupId.set(key, into);
  }
  const all: Record<string, number> = {};
  for (const counts of byGroupId.values()) for (const [name, n] of Object.entries(counts)) all[name] = (all[name] ?? 0) + n;

  const overdueOf = (key: string) => (byGroupId.get(key)?.[countName.overdue] ?? 0) + (pendingOverdue.get(key) ?? 0);
  const statuses = statusSchema.options;
  const inStatus = (counts: Record<string, number> | undefined, status: Status) => counts?.[countName.status(status)] ?? 0;
  const totals: Record<string, number> = Object.fromEntries(statuses.map((s) => [s, inStatus(all, s)]));
  totals.overdue = (all[countName.overdue] ?? 0) + [...pendingOverdue.values()].reduce((sum, n) => sum + n, 0);
  totals.all = statuses.reduce((sum, s) => sum + inStatus(all, s), 0);
  totals.urged = [...urged.values()].reduce((sum, n) => sum + n, 0);

  const hasItems = (counts: Record<string, number> | undefined) => statuses.some((s) => inStatus(counts, s) > 0);
  const groupRows = [
    ...directory.groups.map((g) => ({ groupId: g.id as string | null, name: g.name, key: g.id })),
    { groupId: null, name: officeName, key: '-' },
  ].filter((g) => (scope === null ? g.key !== '-' || hasItems(byGroupId.get('-')) || pendingOverdue.has('-') || urged.has('-') : g.groupId !== null && scope.includes(g.groupId)));
  const byGroup = groupRows.map(({ groupId, name, key }) => {
    const counts = byGroupId.get(key) ?? {};
    return {
      groupId,
      name,
      open: openStatuses.reduce((sum, s) => sum + inStatus(counts, s), 0),
      overdue: overdueOf(key),
      urged: urged.get(key) ?? 0,
      answered: inStatus(counts, 'answered'),
      closed: inStatus(counts, 'closed'),
      medianFirstReplyHours: medianFromHistogram(firstReplyHistogram(counts)),
      rates: ratesOf(counts, nowIso),
      rectifications: rectificationFigures(counts, rectOverdue.get(key) ?? 0),
    };
  });

  const unitNames = new Map(directory.units.map((u) => [u.id, u.name]));
  const minCount = minCountOf(directory);
  const byUnit = unitsOf(all)
    .map((unitId) => ({
      unitId,
      name: unitNames.get(unitId) ?? unitId,
      total: all[countName.unit(unitId, 'total')] ?? 0,
      open: all[countName.unit(unitId, 'open')] ?? 0,
      problems: all[countName.unit(unitId, 'problems')] ?? 0,
    }))
    .filter((u) => u.total > 0)
    .sort((a, b) => b.total - a.total || b.open - a.open || compareIds(a.unitId, b.unitId))
    // Small counts could point at a person: only the office sees a unit's numbers below the minimum
    // (the rows keep their place in the order, which says no more than "fewer than minCount").
    .map((u) => (principal.office || u.total >= minCount ? u : { unitId: u.unitId, name: u.name, total: null, open: null, problems: null, suppressed: true as const }));

  const [satisfied, basically, unsatisfied] = (['satisfied', 'basically', 'unsatisfied'] as const).map((s) => all[countName.rating(s)] ?? 0);
  const rated = satisfied + basically + unsatisfied;
  return {
    generatedAt: nowIso,
    totals,
    byGroup,
    byUnit,
    byKind: Object.fromEntries(kindIds.map((k) => [k, all[countName.kind(k)] ?? 0])),
    satisfaction: { satisfied, basically, unsatisfied, rate: rateOf(satisfied + basically, rated).rate },
    rates: ratesOf(all, nowIso),
    rectifications: rectificationFigures(all, [...rectOverdue.values()].reduce((sum, n) => sum + n, 0)),
  };
};
