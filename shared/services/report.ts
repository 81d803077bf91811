import type { Deps } from '../deps';
import type { SummaryRow } from '../data/lists';
import { listSessions } from '../data/sessions';
import { canExport, type Principal } from '../domain/access';
import { ForbiddenError } from '../domain/errors';
import type { Directory } from '../schemas/directory';
import type { ItemSummary, ReportQuery } from '../schemas/staff';
import { dashboard, periodOf, urgedPages } from './dashboard';
import { groupName, requireDirectory } from './directory';
import { allForPrincipal, practices, type Period } from './item-lists';
import { sessionSummary } from './session-summary';
import { isOverdue, itemHeadline, toSummary } from './views';

/**
 * GET /api/reports/summary: the figures of the console's printable report for a phase, a period
 * of creation or both. Its figures are the dashboard's for the same filter (the same function,
 * not a second count): totals, kinds, satisfaction, the three rates overall and by group, unit hot
 * spots with the dashboard's small-count suppression, rectifications by status overall and by group. Beside them: the overdue and the urged items
 * (counted in full, the first `listedItems` listed), the sessions held (their summaries, as
 * GET /api/sessions/{code}/summary gives them) and the recommended good practices.
 */

/** How many overdue or urged items, sessions and practices a report lists (the counts are complete). */
export const reportLimits = { listedItems: 100, sessions: 50, practices: 50, hotSpots: 10 } as const;

type ReportItem = Pick<ItemSummary, 'trackingCode' | 'kind' | 'title' | 'status' | 'unitId' | 'groupId' | 'createdAt' | 'dueAt' | 'urgedAt'> & { unitName?: string; groupName: string };

const reportItem = (directory: Directory, item: ItemSummary): ReportItem => {
  const unit = item.unitId ? directory.units.find((u) => u.id === item.unitId) : undefined;
  return {
    ...itemHeadline(item),
    ...(item.unitId ? { unitId: item.unitId } : {}),
    ...(unit ? { unitName: unit.name } : {}),
    ...(item.groupId ? { groupId: item.groupId } : {}),
    groupName: groupName(directory, item.groupId),
    createdAt: item.createdAt,
    ...(item.dueAt ? { dueAt: item.dueAt } : {}),
    ...(item.urgedAt ? { urgedAt: item.urgedAt } : {}),
  };
};

/** Every row of `pages` counted, and the first `reportLimits.listedItems` of them kept. */
const countedAndFirst = async (pages: AsyncIterable<readonly SummaryRow[]> | Iterable<readonly SummaryRow[]>) => {
  const rows: SummaryRow[] = [];
  let count = 0;
  for await (const page of pages) {
    for (const row of page) {
      count++;
      if (rows.length < reportLimits.listedItems) rows.push(row);
    }
  }
  return { count, rows };
};

/** Every row of a list, whole: for the few urged items, which two parts of the report count. */
const everyRow = async (pages: AsyncIterable<readonly SummaryRow[]>): Promise<readonly SummaryRow[]> => {
  const rows: SummaryRow[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
};

/** The sessions held in the phase and period (by their start), newest first, each with its summary. */
const sessionSummaries = async (deps: Deps, principal: Principal, query: ReportQuery, period: Period | undefined) => {
  const { sessions } = await listSessions(
    deps,
    { phase: query.phase, ...(period?.from ? { from: period.from } : {}), ...(period?.before ? { to: new Date(Date.parse(period.before) - 1).toISOString() } : {}), visibleGroups: null },
    { limit: reportLimits.sessions },
  );
  // Each summary is its own reads: all of them at once, not one session after another.
  return Promise.all(
    sessions.map(async (listed) => {
      const summary = await sessionSummary(deps, principal, listed.code);
      // A report is printed and handed on: never the session's join key or link.
      const { code, title, startsAt, endsAt, place, phase, groupId } = summary.session;
      return { ...summary, session: { code, title, startsAt, ...(endsAt ? { endsAt } : {}), ...(place ? { place } : {}), phase, ...(groupId ? { groupId } : {}) } };
    }),
  );
};

export const reportSummary = async (deps: Deps, principal: Principal, query: ReportQuery) => {
  if (!canExport(principal)) throw new ForbiddenError('Only the office and leaders read the report.');
  // Only a period waits for the directory (its days are the directory's timezone's); otherwise the
  // directory is read beside everything else (once: the dashboard and the sessions' summaries
  // share the read through the directory's cache).
  const directoryRead = requireDirectory(deps);
  const period = query.from === undefined && query.to === undefined ? undefined : periodOf(query, (await directoryRead).campaign.timezone);
  const filter = { phase: query.phase, from: query.from, to: query.to };
  const now = deps.clock.now();
  // Every part reads on its own: all at once, the sessions first, as their summaries wait for
  // their list (the longest chain of reads).
  const sessionsRead = sessionSummaries(deps, principal, query, period);
  // The urged items are the dashboard's count and the report's list: read once (they are few, see
  // the dashboard's urgedByQueue), for both.
  const urgedRows = everyRow(urgedPages(deps, principal, filter, period));
  // With a period the dashboard counts the period's items from their list rows, the very rows
  // GET /api/items?overdue=true lists for it less those not overdue (isOverdue is its filter):
  // the overdue list is taken from them as they are read, not read again (one Query per open status).
  const periodOverdue: SummaryRow[][] = [];
  const figuresRead = dashboard(deps, principal, filter, { urgedRows, ...(period ? { countedRows: (rows) => periodOverdue.push(rows.filter((row) => isOverdue(row, now))) } : {}) });
  const overdueRead = period ? figuresRead.then(() => countedAndFirst(periodOverdue)) : countedAndFirst(allForPrincipal(deps, principal, { phase: query.phase, overdue: true }));
  const [sessions, directory, figures, overdueRows, urgedListed, recommended] = await Promise.all([
    sessionsRead,
    directoryRead,
    figuresRead,
    overdueRead,
    urgedRows.then((rows) => countedAndFirst([rows])),
    practices(deps, { phase: query.phase, period }),
  ]);
  const listed = ({ count, rows }: { count: number; rows: readonly SummaryRow[] }) => ({ count, items: rows.map((row) => reportItem(directory, toSummary(row, now))) });
  const phase = query.phase === undefined ? undefined : directory.campaign.phases.find((p) => p.id === query.phase);
  return {
    generatedAt: figures.generatedAt,
    filter: {
      ...(query.phase !== undefined ? { phase: { id: query.phase, name: phase?.name ?? query.phase } } : {}),
      ...(query.from !== undefined ? { from: query.from } : {}),
      ...(query.to !== undefined ? { to: query.to } : {}),
      timezone: directory.campaign.timezone,
    },
    campaign: { id: directory.campaign.id, name: directory.campaign.name },
    totals: figures.totals,
    byKind: figures.byKind,
    satisfaction: figures.satisfaction,
    rates: figures.rates,
    rectifications: figures.rectifications,
    byGroup: figures.byGroup,
    hotSpots: figures.byUnit.slice(0, reportLimits.hotSpots),
    overdue: listed(overdueRows),
    urged: listed(urgedListed),
    sessions,
    practices: recommended.items
      .slice(0, reportLimits.practices)
      .map((item) => ({ ...reportItem(directory, item), body: item.body })),
  };
};
