import type { Deps } from '../deps';
import { getSessionWithRatings, type SessionRecord } from '../data/sessions';
import { canSeeSession, type Principal } from '../domain/access';
import { NotFoundError } from '../domain/errors';
import { normalizeSessionCode } from '../domain/session-code';
import { fewRatings, ratingFigures, sessionItemFigures } from '../domain/session-figures';
import { minCountOf, type Directory } from '../schemas/directory';
import { requireDirectory } from './directory';
import { allForPrincipal } from './item-lists';
import { toSessionView } from './sessions';
import { toSummary } from './views';

/** The rows GET /api/items?sessionCode= lists for the caller, whole (one meeting's). */
const sessionRows = async (deps: Deps, principal: Principal, sessionCode: string) => {
  const now = deps.clock.now();
  const rows = [];
  for await (const page of allForPrincipal(deps, principal, { sessionCode })) rows.push(...page.map((row) => toSummary(row, now)));
  return rows;
};

/**
 * The session with its ratings, or with their number alone where that is all its summary shows:
 * `listed` is the session as a list of sessions gave it (the report's), whose count of ratings
 * (`ratingCount`), below the directory's minCount, is all of them that is shown (fewRatings); as
 * the list's, it may lag a rating given a moment before. Otherwise, or without the count (a
 * session stored before it was kept), the session and its ratings are read.
 */
const sessionAndRatings = async (deps: Deps, code: string, directoryRead: Promise<Directory>, listed?: SessionRecord) => {
  const count = listed?.ratingCount;
  if (listed && count !== undefined && count < minCountOf(await directoryRead)) return { session: listed, ratings: fewRatings(count) };
  const found = await getSessionWithRatings(deps, code);
  return found && { session: found.session, ratings: ratingFigures(found.ratings, minCountOf(await directoryRead)) };
};

/**
 * A session's summary: its ratings (small counts suppressed) and its items by kind and by outcome
 * (shared/domain/session-figures.ts), counted over exactly the rows GET /api/items?sessionCode=
 * lists for the same caller (a responder: their groups' items). A session's items are one
 * meeting's, so they are read whole. `listed`: see sessionAndRatings.
 */
export const sessionSummary = async (deps: Deps, principal: Principal, code: string, listed?: SessionRecord) => {
  const canonical = normalizeSessionCode(code);
  if (!canonical) throw new NotFoundError('No such session.');
  // The session's items are read beside the session itself, not after it (one round trip, not
  // two): its partition is keyed by the code alone, and nothing of it is shown unless the session
  // is found and visible to the caller.
  const directoryRead = requireDirectory(deps);
  const [found, directory, rows] = await Promise.all([sessionAndRatings(deps, canonical, directoryRead, listed), directoryRead, sessionRows(deps, principal, canonical)]);
  if (!found || !canSeeSession(principal, found.session)) throw new NotFoundError('No such session.');
  return {
    session: toSessionView(directory, found.session),
    ratings: found.ratings,
    items: sessionItemFigures(rows),
  };
};
