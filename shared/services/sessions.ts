import type { Deps } from '../deps';
import { StaleItemError } from '../data/errors';
import { createSession as storeSession, getSession, listSessions, replaceSession, type SessionRecord } from '../data/sessions';
import { itemCreation, withRetry } from '../data/retry';
import { canEditSession, canSeeSession, groupScope, personOf, type Principal } from '../domain/access';
import { endOfLocalDay, startOfLocalDay } from '../domain/calendar';
import { ForbiddenError, InvalidInputError, NotFoundError, StaleVersionError, type FieldError } from '../domain/errors';
import { currentPhase } from '../domain/phase';
import { joinKeyMatches, newJoinKey, newSessionCode, normalizeSessionCode, noSessionJoinKey, sessionLink } from '../domain/session-code';
import type { Directory } from '../schemas/directory';
import type { CreateSessionBody, SessionListQuery, SessionView, UpdateSessionBody } from '../schemas/session';
import { directoryMeanwhile, requireDirectory } from './directory';

/**
 * Training sessions (培训场次): staff create, list, read and edit them; participants reach them by
 * link (sessionForLink here; their page and rating in public-sessions.ts, apart because a rating is
 * a public write of the room, whose secret's client the staff's functions need not load).
 */

const phaseOf = (directory: Directory, id: string) => {
  const phase = directory.campaign.phases.find((p) => p.id === id);
  return { id, name: phase?.name ?? id };
};

/** What a session's page and staff both see of it. */
export const sessionBasics = (directory: Directory, s: SessionRecord) => ({
  code: s.code,
  title: s.title,
  startsAt: s.startsAt,
  ...(s.endsAt ? { endsAt: s.endsAt } : {}),
  ...(s.place ? { place: s.place } : {}),
  phase: phaseOf(directory, s.phase),
});

/** What staff see of a session: everything, the join key and the link included. */
export const toSessionView = (directory: Directory, s: SessionRecord): SessionView => ({
  ...sessionBasics(directory, s),
  ...(s.groupId ? { groupId: s.groupId } : {}),
  unitIds: s.unitIds,
  open: s.open,
  joinKey: s.joinKey,
  link: sessionLink(s.code, s.joinKey),
  createdAt: s.createdAt,
  version: s.version,
});

const noSuchSession = () => new NotFoundError('No such session.');

/** A session the principal may see, or the 404 that does not tell "not yours" from "not there". */
export const visibleSession = async (deps: Deps, principal: Principal, code: string): Promise<SessionRecord> => {
  const canonical = normalizeSessionCode(code);
  const session = canonical ? await getSession(deps, canonical) : null;
  if (!session || !canSeeSession(principal, session)) throw noSuchSession();
  return session;
};

export const createSession = async (deps: Deps, principal: Principal, input: CreateSessionBody): Promise<SessionView> => {
  if (input.groupId === undefined ? !principal.office : !canEditSession(principal, { groupId: input.groupId })) {
    throw new ForbiddenError(input.groupId === undefined ? 'Only the office creates sessions of its own.' : 'You can only create sessions for your own groups.');
  }
  const directory = await requireDirectory(deps);
  const errors: FieldError[] = [];
  if (input.groupId !== undefined && !directory.groups.some((g) => g.id === input.groupId)) errors.push({ path: 'groupId', message: 'No such group.' });
  const unitIds = [...new Set(input.unitIds ?? [])];
  (input.unitIds ?? []).forEach((id, i) => {
    if (!directory.units.some((u) => u.id === id)) errors.push({ path: `unitIds.${i}`, message: 'No such unit.' });
  });
  if (errors.length) throw new InvalidInputError(errors);
  const now = deps.clock.now().toISOString();
  // A drawn code that is taken is drawn again (the itemCreation policy).
  return withRetry(itemCreation, async () => {
    const session: SessionRecord = {
      code: newSessionCode(),
      title: input.title,
      startsAt: input.startsAt,
      ...(input.endsAt ? { endsAt: input.endsAt } : {}),
      ...(input.place ? { place: input.place } : {}),
      phase: currentPhase(directory, new Date(input.startsAt)).id,
      ...(input.groupId ? { groupId: input.groupId } : {}),
      unitIds,
      open: true,
      joinKey: newJoinKey(),
      createdAt: now,
      updatedAt: now,
      createdBy: personOf(principal),
      version: 1,
    };
    await storeSession(deps, session);
    return toSessionView(directory, session);
  });
};

export const viewSession = async (deps: Deps, principal: Principal, code: string): Promise<SessionView> => {
  const [session, directory] = await Promise.all([visibleSession(deps, principal, code), requireDirectory(deps)]);
  return toSessionView(directory, session);
};

/** The instants a list's `from`/`to` (local days of the directory's timezone) span. */
const periodOf = (query: Pick<SessionListQuery, 'from' | 'to'>, timezone: string) => ({
  ...(query.from ? { from: startOfLocalDay(query.from, timezone).toISOString() } : {}),
  ...(query.to ? { to: endOfLocalDay(query.to, timezone).toISOString() } : {}),
});

export const sessionsForPrincipal = async (deps: Deps, principal: Principal, query: SessionListQuery, after: string | undefined) => {
  // As GET /api/items: asking for another group's sessions is a 403, not an empty list.
  const own = groupScope(principal);
  if (query.groupId !== undefined && own !== null && !own.includes(query.groupId)) throw new ForbiddenError('You can only see the sessions of your own groups.');
  // Only dates wait for the directory (they are days of its timezone); otherwise the page is read
  // beside it. Its refusal (no directory: 503) still comes first.
  const directoryRead = directoryMeanwhile(deps);
  const period = query.from || query.to ? periodOf(query, (await directoryRead).campaign.timezone) : {};
  const page = listSessions(
    deps,
    {
      ...period,
      groupId: query.groupId,
      phase: query.phase,
      visibleGroups: own,
    },
    { limit: query.limit, after },
  );
  // Awaited below, after the directory: until then its failure is not an unhandled rejection.
  page.catch(() => undefined);
  const directory = await directoryRead;
  const { sessions, next } = await page;
  return { sessions: sessions.map((s) => toSessionView(directory, s)), next };
};

/**
 * A staff edit, as of the version the client saw (`If-Match`, required: two people preparing one
 * poster must not overwrite each other). A new `startsAt` moves the session to that instant's phase.
 */
export const updateSession = async (deps: Deps, principal: Principal, code: string, ifMatch: number, input: UpdateSessionBody): Promise<SessionView> => {
  const [current, directory] = await Promise.all([visibleSession(deps, principal, code), requireDirectory(deps)]);
  if (!canEditSession(principal, current)) throw new ForbiddenError('Only the office and the session’s group edit it.');
  if (current.version !== ifMatch) throw new StaleVersionError();
  const next: SessionRecord = { ...current, updatedAt: deps.clock.now().toISOString(), version: current.version + 1 };
  if (input.title !== undefined) next.title = input.title;
  if (input.startsAt !== undefined) {
    next.startsAt = input.startsAt;
    next.phase = currentPhase(directory, new Date(input.startsAt)).id;
  }
  if (input.endsAt === null) delete next.endsAt;
  else if (input.endsAt !== undefined) next.endsAt = input.endsAt;
  if (input.place === null) delete next.place;
  else if (input.place !== undefined) next.place = input.place;
  if (input.open !== undefined) next.open = input.open;
  if (next.endsAt && next.endsAt <= next.startsAt) throw new InvalidInputError([{ path: 'endsAt', message: 'Must be after startsAt.' }]);
  try {
    await replaceSession(deps, current, next);
  } catch (error) {
    throw error instanceof StaleItemError ? new StaleVersionError() : error;
  }
  return toSessionView(directory, next);
};

/**
 * The session behind a participant's link: its code and join key. An unknown code costs the same
 * constant-time comparison as a wrong key, and both give the same answer (null).
 */
export const sessionForLink = async (deps: Deps, code: string, joinKey: string | undefined): Promise<SessionRecord | null> => {
  const canonical = normalizeSessionCode(code);
  const session = canonical ? await getSession(deps, canonical) : null;
  const matches = joinKeyMatches(joinKey, session?.joinKey ?? noSessionJoinKey);
  return session && matches ? session : null;
};
