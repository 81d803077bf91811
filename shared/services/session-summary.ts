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

/**
 * A session's summary: its ratings (small counts suppressed) and its items by kind and by outcome
 * (shared/domain/session-figures.ts), counted over exactly the rows GET /api/items?sessionCode=
 * lists for the same caller (a responder: their groups' items). A session's items are one
 * meeting's, so they are read whole.
 */
export const sessionSummary = async (deps: Deps, principal: Principal, code: string) => {
  const canonical = normalizeSessionCode(code);
  const [found, directory] = await Promise.all([canonical ? getSessionWithRatings(deps, canonical) : null, requireDirectory(deps)]);
  if (!found || !canSeeSession(principal, found.session)) throw new NotFoundError('No such session.');
  const { session, ratings } = found;
  const now = deps.clock.now();
  const rows = [];
  for await (const page of allForPrincipal(deps, principal, { sessionCode: session.code })) rows.push(...page.map((row) => toSummary(row, now)));
  return {
    session: toSessionView(directory, session),
    ratings: ratingFigures(ratings, minCountOf(directory)),
    items: sessionItemFigures(rows),
  };
};
