import type { Deps } from '../deps';
import { getSessionWithRatings } from '../data/sessions';
import { canSeeSession, type Principal } from '../domain/access';
import { NotFoundError } from '../domain/errors';
import { normalizeSessionCode } from '../domain/session-code';
import { ratingFigures, sessionItemFigures } from '../domain/session-figures';
import { minCountOf } from '../schemas/directory';
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
 * A session's summary: its ratings (small counts suppressed) and its items by kind and by outcome
 * (shared/domain/session-figures.ts), counted over exactly the rows GET /api/items?sessionCode=
 * lists for the same caller (a responder: their groups' items). A session's items are one
 * meeting's, so they are read whole.
 */
export const sessionSummary = async (deps: Deps, principal: Principal, code: string) => {
  const canonical = normalizeSessionCode(code);
  if (!canonical) throw new NotFoundError('No such session.');
  // The session's items are read beside the session itself, not after it (one round trip, not
  // two): its partition is keyed by the code alone, and nothing of it is shown unless the session
  // is found and visible to the caller.
  const [found, directory, rows] = await Promise.all([getSessionWithRatings(deps, canonical), requireDirectory(deps), sessionRows(deps, principal, canonical)]);
  if (!found || !canSeeSession(principal, found.session)) throw new NotFoundError('No such session.');
  const { session, ratings } = found;
  return {
    session: toSessionView(directory, session),
    ratings: ratingFigures(ratings, minCountOf(directory)),
    items: sessionItemFigures(rows),
  };
};
