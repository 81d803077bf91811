import type { Deps } from '../deps';
import type { SummaryRow } from '../data/lists';
import { listSessions } from '../data/sessions';
import { canExport, type Principal } from '../domain/access';
import { ForbiddenError } from '../domain/errors';
import type { Directory } from '../schemas/directory';
import type { ItemSummary, ReportQuery } from '../schemas/staff';
import { itemIndexKeys, practicePartition, urgedPartition } from '../data/item-index-keys';
import { anyZonePeriodOf, dashboard, inPeriod, periodOf, urgedPages, type CountedRows } from './dashboard';
import { groupName, requireDirectory } from './directory';
import { allForPrincipal, practices, startedPages, type Period } from './item-lists';
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

/** The rows of `pages` created in the period `periodRead` says (their reading started before it was known). */
async function* keptTo(pages: AsyncIterable<readonly SummaryRow[]>, periodRead: Promise<Period | undefined>) {
  const period = await periodRead;
  for await (const page of pages) yield page.filter((row) => inPeriod(period, row.createdAt));
}

/**
 * The overdue and urged lists of a period, taken from the period's list rows as the dashboard
 * counts them (`pages`, handed to it as SharedRows) instead of read again (one Query per open
 * status, one of the URGED list): overdue as GET /api/items?overdue=true filters them (isOverdue),
 * urged as the sweeper's URGED list holds them (an item is in it exactly when its own index keys
 * put it there: itemIndexKeys, with the `urgedFor` the dashboard's BatchGetItem adds). Both are
 * whole once the dashboard has read the last page. So is `anyPractice`: whether a row is a
 * recommended practice (its index keys put it in gsi7's list), since the period's practices are
 * among its rows: when none is, their Query is not sent (a day's report seldom has one).
 */
const periodLists = (pages: AsyncIterable<readonly SummaryRow[]>, now: Date) => {
  const overdue = { count: 0, rows: [] as SummaryRow[] };
  const urged: SummaryRow[] = [];
  let anyPractice = false;
  let read!: () => void;
  const whole = new Promise<void>((resolve) => (read = resolve));
  async function* countedPages() {
    yield* pages;
    read();
  }
  const countedRows: CountedRows = (rows, more) => {
    for (const row of rows) {
      if (isOverdue(row, now) && ++overdue.count <= reportLimits.listedItems) overdue.rows.push(row);
      const keys = itemIndexKeys({ ...row, ...more.get(row.trackingCode) });
      if (keys.gsi6pk === urgedPartition) urged.push(row);
      if (keys.gsi7pk === practicePartition) anyPractice = true;
    }
  };
  return {
    shared: { countedPages: countedPages(), countedRows },
    overdue: whole.then(() => overdue),
    urged: whole.then((): readonly SummaryRow[] => urged),
    anyPractice: whole.then(() => anyPractice),
  };
};

/** Every row of a list, whole: for the few urged items, which two parts of the report count. */
const everyRow = async (pages: AsyncIterable<readonly SummaryRow[]>): Promise<readonly SummaryRow[]> => {
  const rows: SummaryRow[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
};

/** The sessions' list for a period: those starting from its start to its last millisecond. */
const sessionBounds = (period: Period | undefined) => ({
  ...(period?.from ? { from: period.from } : {}),
  ...(period?.before ? { to: new Date(Date.parse(period.before) - 1).toISOString() } : {}),
});

/**
 * The sessions held in the phase and period (by their start), newest first, each with its
 * summary. With a period the list is read at once over `ahead` (the period in any timezone, see
 * anyZonePeriodOf), beside the directory's read, and kept to the period once the timezone is
 * known; only when that read did not reach the end of `ahead` (more than a page of sessions
 * there) is the period's own list read after it.
 */
const sessionSummaries = async (deps: Deps, principal: Principal, query: ReportQuery, ahead: Period | undefined, periodRead: Promise<Period | undefined>) => {
  const list = (period: Period | undefined) => listSessions(deps, { phase: query.phase, ...sessionBounds(period), visibleGroups: null }, { limit: reportLimits.sessions });
  const early = list(ahead);
  early.catch(() => undefined);
  const period = await periodRead;
  const read = await early;
  const { from, to } = sessionBounds(period);
  // The list's own bounds, on the sort key `<startsAt>#<code>`: from its start to the whole of its last instant.
  const sessions = !ahead ? read.sessions : read.next === undefined ? read.sessions.filter((s) => (!from || s.startsAt >= from) && (!to || s.startsAt <= to)) : (await list(period)).sessions;
  // Each summary is its own reads: all of them at once, not one session after another.
  return Promise.all(
    sessions.map(async (listed) => {
      // The listed record comes along: its count of ratings may spare their read (sessionSummary).
      const summary = await sessionSummary(deps, principal, listed.code, listed);
      // A report is printed and handed on: never the session's join key or link.
      const { code, title, startsAt, endsAt, place, phase, groupId } = summary.session;
      return { ...summary, session: { code, title, startsAt, ...(endsAt ? { endsAt } : {}), ...(place ? { place } : {}), phase, ...(groupId ? { groupId } : {}) } };
    }),
  );
};

export const reportSummary = async (deps: Deps, principal: Principal, query: ReportQuery) => {
  if (!canExport(principal)) throw new ForbiddenError('Only the office and leaders read the report.');
  // A period's days are the directory's timezone's. The two reads that others wait for, the
  // sessions' list (their summaries) and the period's items (their BatchGetItem), go out beside the
  // directory's read, bounded by the period in any timezone, and are kept to the period once it is
  // known; the rest wait for it. Without a period nothing waits for the directory (read once: the
  // dashboard and the sessions' summaries share the read through the directory's cache).
  const directoryRead = requireDirectory(deps);
  const ahead = anyZonePeriodOf(query);
  const periodRead = ahead === undefined ? Promise.resolve(undefined) : directoryRead.then((directory) => periodOf(query, directory.campaign.timezone));
  const filter = { phase: query.phase, from: query.from, to: query.to };
  const now = deps.clock.now();
  // Every part reads on its own: all at once, the sessions first, as their summaries wait for
  // their list (the longest chain of reads).
  const sessionsRead = sessionSummaries(deps, principal, query, ahead, periodRead);
  sessionsRead.catch(() => undefined);
  const lists = ahead && periodLists(keptTo(startedPages(allForPrincipal(deps, principal, { phase: query.phase, period: ahead })), periodRead), now);
  // No directory: its 503, whatever was sent beside it.
  const period = await periodRead;
  // The urged items are the dashboard's count and the report's list: read once (they are few, see
  // the dashboard's urgedByQueue), for both; a period's are among its rows.
  const urgedRows = lists ? lists.urged : everyRow(urgedPages(deps, principal, filter, period));
  const figuresRead = dashboard(deps, principal, filter, { urgedRows, ...(lists ? lists.shared : {}) });
  const overdueRead = lists ? figuresRead.then(() => lists.overdue) : countedAndFirst(allForPrincipal(deps, principal, { phase: query.phase, overdue: true }));
  const practicesRead = (): ReturnType<typeof practices> => practices(deps, { phase: query.phase, period });
  const recommendedRead = lists ? figuresRead.then(() => lists.anyPractice).then((any) => (any ? practicesRead() : { items: [] })) : practicesRead();
  const [sessions, directory, figures, overdueRows, urgedListed, recommended] = await Promise.all([
    sessionsRead,
    directoryRead,
    figuresRead,
    overdueRead,
    urgedRows.then((rows) => countedAndFirst([rows])),
    recommendedRead,
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
