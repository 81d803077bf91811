import { randomBytes } from 'node:crypto';
import { clock } from '../clock';
import { readCounters, readDueBucketsBefore, seedLayout } from '../data/counters';
import { getDirectory, getDirectoryRecord, putDirectory } from '../data/directory';
import { commitChange, getItem, getItemWithEvents, StaleItemError, type EventRecord, type ItemChange, type ItemRecord } from '../data/items';
import { listItems, type ListFilter, type ListSource } from '../data/lists';
import {
  allItemsPartition,
  groupPartition,
  groupStatusPartition,
  practicePartition,
  statusPartition,
  unitPartition,
} from '../data/keys';
import { canAct, canAdminister, canReadItem, groupScope, seesAll, type Principal, type StaffAction } from '../domain/access';
import { addWorkingDays } from '../domain/calendar';
import { medianFromHistogram, parseCounterCell } from '../domain/counters';
import { nextStatus, openStatuses, type Action } from '../domain/lifecycle';
import { normalizeTrackingCode } from '../domain/tracking-code';
import { HttpProblem, problems } from '../http/problem';
import { toFieldErrors } from '../http/handler';
import { directorySchema, kindIds, type Directory } from '../schemas/directory';
import type { ListQuery } from '../schemas/staff';
import { statusSchema, type Status } from '../schemas/submission';
import { forgetDirectory, officeName, requireDirectory, waitOutDirectoryCaches } from './directory';
import { isOverdue, toItemView, toSummary } from './views';

const forbidden = (detail: string) => new HttpProblem(403, { detail });
const notFound = () => problems.notFound('No such item.');

/** An item the principal may see, or the 404 that does not tell "not yours" from "not there". */
const readableItem = async (principal: Principal, id: string) => {
  const code = normalizeTrackingCode(id);
  const found = code ? await getItemWithEvents(code) : null;
  if (!found || !canReadItem(principal, found.item)) throw notFound();
  return found;
};

export const viewItem = async (principal: Principal, id: string) => {
  const { item, events } = await readableItem(principal, id);
  return toItemView(principal, item, events, clock.now());
};

/** `If-Match: "7"` (or W/"7", or 7) -> 7; absent -> undefined; anything else is a 400. */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw problems.validation([{ path: 'If-Match', message: 'Must be the item version in quotes, as its ETag gives it.' }]);
  return Number(m[1]);
};

const staffActor = (principal: Principal) => ({ type: 'staff' as const, sub: principal.sub, name: principal.name });

interface Mutation {
  readonly principal: Principal;
  readonly id: string;
  readonly ifMatch: number | undefined;
  readonly action: StaffAction;
  /** The lifecycle action whose table decides the status (defaults to `action`). */
  readonly lifecycle?: Action;
  readonly change: (item: ItemRecord, to: Status, now: Date) => Promise<ItemChange> | ItemChange;
}

/**
 * Every staff change: visibility (404), role (403), `If-Match` (412), the state machine (409), then
 * one conditional transaction on the version that was checked. Without `If-Match`, a change that
 * loses a race is recomputed on the fresh item and checked again, so nothing is overwritten blind.
 * The item is read with its events (one Query): the answer is then those events and the new one,
 * exactly the history at the committed version, without reading the collection again.
 */
const mutate = async ({ principal, id, ifMatch, action, lifecycle, change }: Mutation): Promise<{ item: ItemRecord; events: EventRecord[] }> => {
  const code = normalizeTrackingCode(id);
  if (!code) throw notFound();
  for (let attempt = 1; ; attempt++) {
    const found = await getItemWithEvents(code);
    const item = found?.item;
    if (!item || !canReadItem(principal, item)) throw notFound();
    if (!canAct(principal, item, action)) throw forbidden('Your role does not allow this on this item.');
    if (ifMatch !== undefined && ifMatch !== item.version) throw problems.preconditionFailed();
    const to = nextStatus(item.status, lifecycle ?? action);
    if (to === null) throw problems.conflict(`"${action}" is not possible while the item is ${item.status}.`);
    const now = clock.now();
    try {
      const planned = await change(item, to, now);
      const next = await commitChange(item, planned);
      // The events as of the version read (a later change cannot be among them: ours was next).
      const events = found.events.filter((e) => e.version <= item.version);
      return { item: next, events: [...events, { version: next.version, ...planned.event }] };
    } catch (error) {
      if (!(error instanceof StaleItemError)) throw error;
      if (ifMatch !== undefined) throw problems.preconditionFailed();
      if (attempt >= 6) throw problems.unavailable(1);
      // Spread out the writers who collided, so they do not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15 * 2 ** attempt));
    }
  }
};

const history = (principal: Principal, item: ItemRecord, to: Status, now: Date, action: string, note?: string): ItemChange['event'] => ({
  at: now.toISOString(),
  action,
  by: staffActor(principal),
  from: item.status,
  to,
  ...(note ? { note } : {}),
});

const dueFrom = (directory: Directory, kind: ItemRecord['kind'], now: Date) =>
  addWorkingDays(now, directory.sla[kind], { timezone: directory.campaign.timezone, holidays: directory.holidays }).toISOString();

/** The item as this change left it: the committed record and its history up to that version. */
const withView = (principal: Principal, changed: { item: ItemRecord; events: EventRecord[] }) =>
  toItemView(principal, changed.item, changed.events, clock.now());

export const assignItem = async (principal: Principal, id: string, ifMatch: number | undefined, input: { groupId: string; note?: string }) => {
  const directory = await requireDirectory();
  const group = directory.groups.find((g) => g.id === input.groupId);
  if (!group) throw problems.validation([{ path: 'groupId', message: 'No such group.' }]);
  const changed = await mutate({
    principal,
    id,
    ifMatch,
    action: 'assign',
    change: (current, to, now) => ({
      set: { status: to, groupId: group.id, dueAt: dueFrom(directory, current.kind, now), updatedAt: now.toISOString() },
      event: history(principal, current, to, now, 'assign', input.note ? `→ ${group.name}: ${input.note}` : `→ ${group.name}`),
    }),
  });
  return withView(principal, changed);
};

export const replyToItem = async (
  principal: Principal,
  id: string,
  ifMatch: number | undefined,
  input: { body: string; visibility: 'public' | 'internal' },
) => {
  const replyId = randomBytes(8).toString('hex');
  let reply: NonNullable<EventRecord['reply']> | undefined;
  let at = '';
  const { item } = await mutate({
    principal,
    id,
    ifMatch,
    action: 'reply',
    lifecycle: input.visibility === 'public' ? 'reply' : 'note',
    change: (current, to, now) => {
      at = now.toISOString();
      // The submitter reads who answered as a group: the item's group if the author is in it.
      const groupId = current.groupId && principal.groups.includes(current.groupId) ? current.groupId : undefined;
      reply = { id: replyId, body: input.body, visibility: input.visibility, ...(groupId ? { groupId } : {}) };
      return {
        set: {
          status: to,
          updatedAt: at,
          ...(input.visibility === 'public' && !current.firstReplyAt ? { firstReplyAt: at } : {}),
          // The auto-close clock runs from the latest answer.
          ...(input.visibility === 'public' ? { answeredAt: at } : {}),
        },
        event: { ...history(principal, current, to, now, input.visibility === 'public' ? 'reply' : 'note'), reply },
      };
    },
  });
  return {
    id: replyId,
    body: reply!.body,
    visibility: reply!.visibility,
    by: { sub: principal.sub, name: principal.name },
    createdAt: at,
    status: item.status,
    version: item.version,
  };
};

export const transitionItem = async (
  principal: Principal,
  id: string,
  ifMatch: number | undefined,
  input: { action: 'start' | 'close' | 'reject' | 'merge' | 'recommend' | 'unrecommend'; reason?: string; targetId?: string },
) => {
  const changed = await mutate({
    principal,
    id,
    ifMatch,
    action: input.action,
    change: async (current, to, now) => {
      const at = now.toISOString();
      switch (input.action) {
        case 'recommend':
        case 'unrecommend':
          if (current.kind !== 'practice') throw problems.conflict('Only good practices can be recommended.');
          return { set: { recommended: input.action === 'recommend', updatedAt: at }, event: history(principal, current, to, now, input.action) };
        case 'reject':
          return { set: { status: to, rejectedReason: input.reason, updatedAt: at }, event: history(principal, current, to, now, 'reject', input.reason) };
        case 'merge': {
          const target = normalizeTrackingCode(input.targetId);
          const targetItem = target && target !== current.trackingCode ? await getItem(target) : null;
          if (!targetItem) throw problems.validation([{ path: 'targetId', message: 'No such item to merge into.' }]);
          if (targetItem.status === 'merged') throw problems.conflict('The target item is itself merged into another item.');
          return { set: { status: to, mergedInto: targetItem.trackingCode, updatedAt: at }, event: history(principal, current, to, now, 'merge', `→ ${targetItem.trackingCode}`) };
        }
        case 'close':
          return { set: { status: to, closedAt: at, updatedAt: at }, event: history(principal, current, to, now, 'close') };
        case 'start':
          return { set: { status: to, updatedAt: at }, event: history(principal, current, to, now, 'start') };
      }
    },
  });
  return withView(principal, changed);
};

const cursorOf = (position: string) => Buffer.from(JSON.stringify({ v: 1, p: position }), 'utf8').toString('base64url');
const positionOf = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: number; p?: unknown };
    if (parsed.v === 1 && typeof parsed.p === 'string' && parsed.p.length <= 200) return parsed.p;
  } catch {
    // fall through
  }
  throw problems.validation([{ path: 'query.cursor', message: 'Not a cursor this API gave out.' }]);
};

/**
 * Which index partitions to merge for a query, and which filters remain for the rows: every
 * condition the chosen partitions do not already guarantee is kept as a row filter.
 */
export const planList = (groups: readonly string[] | null, query: Omit<ListQuery, 'limit' | 'cursor'>, now: Date) => {
  let statuses = query.status as Status[] | undefined;
  if (query.overdue) statuses = (statuses ?? [...openStatuses]).filter((s) => openStatuses.includes(s));
  let sources: ListSource[];
  if (statuses && statuses.length === 0) sources = [];
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
    ...(statuses && !byStatus ? { statuses } : {}),
    ...(query.overdue === true ? { dueBefore: now.toISOString() } : {}),
  };
  return { sources, filter };
};

/** The groups a request covers: its `groupId`, else the principal's own (null = all); 403 for another group. */
const scopeFor = (principal: Principal, groupId: string | undefined): readonly string[] | null => {
  const own = groupScope(principal);
  if (groupId === undefined) return own;
  if (own !== null && !own.includes(groupId)) throw forbidden('You can only see the items of your own groups.');
  return [groupId];
};

export const listForPrincipal = async (principal: Principal, query: ListQuery) => {
  const now = clock.now();
  const { sources, filter } = planList(scopeFor(principal, query.groupId), query, now);
  const page = await listItems(sources, filter, { limit: query.limit, after: positionOf(query.cursor) });
  return { items: page.rows.map((row) => toSummary(row, now)), ...(page.next ? { nextCursor: cursorOf(page.next) } : {}) };
};

/** Every item a query matches, page by page (the export): memory stays one page deep. */
export async function* allForPrincipal(principal: Principal, query: Omit<ListQuery, 'limit' | 'cursor'>) {
  const now = clock.now();
  const { sources, filter } = planList(scopeFor(principal, query.groupId), query, now);
  let after: string | undefined;
  do {
    const page = await listItems(sources, filter, { limit: 100, after });
    yield page.rows;
    after = page.next;
  } while (after);
}

export const practices = async () => {
  const now = clock.now();
  const page = await listItems([{ index: 'gsi7', partition: practicePartition }], {}, { limit: 100 });
  return { items: page.rows.map((row) => ({ ...toSummary(row, now), body: row.body ?? '' })) };
};


export const dashboard = async (principal: Principal, query: { groupId?: string; phase?: string }) => {
  const now = clock.now();
  const nowIso = now.toISOString();
  const scope = scopeFor(principal, query.groupId);
  const [directory, rows, fellDue] = await Promise.all([requireDirectory(), readCounters(query.phase), readDueBucketsBefore(nowIso)]);
  const inScope = (groupId: string | undefined) => scope === null || (groupId !== undefined && scope.includes(groupId));
  const visible = rows.filter((row) => inScope(row.groupId));
  // Overdue now = what the sweeper has counted + what fell due since it last ran.
  const pendingOverdue = new Map<string, number>();
  for (const bucket of fellDue) {
    for (const [cell, n] of Object.entries(bucket.cells)) {
      const { phase, groupId } = parseCounterCell(cell);
      if (!inScope(groupId) || (query.phase !== undefined && phase !== query.phase)) continue;
      pendingOverdue.set(groupId ?? '-', (pendingOverdue.get(groupId ?? '-') ?? 0) + n);
    }
  }

  const byGroupId = new Map<string, Record<string, number>>();
  for (const row of visible) {
    const key = row.groupId ?? '-';
    const into = byGroupId.get(key) ?? {};
    for (const [name, n] of Object.entries(row.counts)) into[name] = (into[name] ?? 0) + n;
    byGroupId.set(key, into);
  }
  const all: Record<string, number> = {};
  for (const counts of byGroupId.values()) for (const [name, n] of Object.entries(counts)) all[name] = (all[name] ?? 0) + n;

  const overdueOf = (key: string) => (byGroupId.get(key)?.ov ?? 0) + (pendingOverdue.get(key) ?? 0);
  const statuses = statusSchema.options;
  const totals: Record<string, number> = Object.fromEntries(statuses.map((s) => [s, all[`s:${s}`] ?? 0]));
  totals.overdue = (all.ov ?? 0) + [...pendingOverdue.values()].reduce((sum, n) => sum + n, 0);
  totals.all = statuses.reduce((sum, s) => sum + (all[`s:${s}`] ?? 0), 0);

  const hasItems = (counts: Record<string, number> | undefined) => statuses.some((s) => (counts?.[`s:${s}`] ?? 0) > 0);
  const groupRows = [
    ...directory.groups.map((g) => ({ groupId: g.id as string | null, name: g.name, key: g.id })),
    { groupId: null, name: officeName, key: '-' },
  ].filter((g) => (scope === null ? g.key !== '-' || hasItems(byGroupId.get('-')) || pendingOverdue.has('-') : g.groupId !== null && scope.includes(g.groupId)));
  const byGroup = groupRows.map(({ groupId, name, key }) => {
    const counts = byGroupId.get(key) ?? {};
    const histogram = new Map<number, number>();
    for (const [counter, n] of Object.entries(counts)) if (counter.startsWith('frh:')) histogram.set(Number(counter.slice(4)), n);
    return {
      groupId,
      name,
      open: openStatuses.reduce((sum, s) => sum + (counts[`s:${s}`] ?? 0), 0),
      overdue: overdueOf(key),
      answered: counts['s:answered'] ?? 0,
      closed: counts['s:closed'] ?? 0,
      medianFirstReplyHours: medianFromHistogram(histogram),
    };
  });

  const unitNames = new Map(directory.units.map((u) => [u.id, u.name]));
  const unitIds = new Set(Object.keys(all).filter((n) => n.startsWith('u:')).map((n) => n.split(':')[1]));
  const byUnit = [...unitIds]
    .map((unitId) => ({
      unitId,
      name: unitNames.get(unitId) ?? unitId,
      total: all[`u:${unitId}:t`] ?? 0,
      open: all[`u:${unitId}:o`] ?? 0,
      problems: all[`u:${unitId}:p`] ?? 0,
    }))
    .filter((u) => u.total > 0)
    .sort((a, b) => b.total - a.total || b.open - a.open || a.unitId.localeCompare(b.unitId));

  const satisfied = all['sat:satisfied'] ?? 0;
  const basically = all['sat:basically'] ?? 0;
  const unsatisfied = all['sat:unsatisfied'] ?? 0;
  const rated = satisfied + basically + unsatisfied;
  return {
    generatedAt: nowIso,
    totals,
    byGroup,
    byUnit,
    byKind: Object.fromEntries(kindIds.map((k) => [k, all[`k:${k}`] ?? 0])),
    satisfaction: { satisfied, basically, unsatisfied, rate: rated ? Math.round(((satisfied + basically) / rated) * 1000) / 1000 : null },
  };
};

export const readDirectory = async (principal: Principal) => {
  if (!canAdminister(principal)) throw forbidden('Only the office manages the directory.');
  // The editor reads what is stored now, not a cached copy.
  const directory = await getDirectory();
  if (!directory) throw problems.unavailable(60);
  return directory;
};

export const replaceDirectory = async (principal: Principal, document: unknown) => {
  if (!canAdminister(principal)) throw forbidden('Only the office manages the directory.');
  const parsed = directorySchema.safeParse(document);
  if (!parsed.success) throw problems.validation(toFieldErrors(parsed.error.issues), 'The directory has problems; nothing was changed.');
  const stored = await getDirectoryRecord();
  // The stored document through the same schema: the same key order, so JSON compares contents.
  if (stored && JSON.stringify(directorySchema.safeParse(stored.document).data) === JSON.stringify(parsed.data)) {
    // Saved unchanged (the editor's Save without an edit, or the retry of a PUT whose answer was
    // lost): nothing to write, but answer only once the caches are at least as old as the stored
    // document, and finish what a failed PUT began.
    await waitOutDirectoryCaches(Date.parse(stored.updatedAt) || Date.now());
    await seedLayout(parsed.data);
    return parsed.data;
  }
  await putDirectory(parsed.data);
  forgetDirectory();
  // Answer once every function's cached copy has expired: the 200 means routing uses it now.
  await waitOutDirectoryCaches(Date.now());
  return parsed.data;
};

export { isOverdue, seesAll, getDirectory };
