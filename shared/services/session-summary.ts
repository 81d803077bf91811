import type { Deps } from '../deps';
import { getSessionWithRatings } from '../data/sessions';
import { canSeeSession, type Principal } from '../domain/access';
import { NotFoundError } from '../domain/errors';
import { isOpen } from '../domain/lifecycle';
import { normalizeSessionCode } from '../domain/session-code';
import { kindIds, minCountOf } from '../schemas/directory';
import { requireDirectory } from './directory';
import { allForPrincipal } from './item-lists';
import { toSessionView } from './sessions';
import { isOverdue } from './views';

/**
 * A session's summary: its ratings (small counts suppressed) and its items by kind and by outcome.
 * The item figures are counted over exactly the rows GET /api/items?sessionCode= lists for the
 * same caller (a responder: their groups' items), so each equals a count a client can make there:
 *   total          every item
 *   answeredOnSpot answeredOnSpot = true
 *   routed         handed to a group (groupId set), not answered on the spot
 *   answered       status answered (a public reply went out later)
 *   closed         status closed, not answered on the spot
 *   open           status submitted, assigned, in_progress or reopened
 *   overdue        overdue = true
 */
export const sessionSummary = async (deps: Deps, principal: Principal, code: string) => {
  const canonical = normalizeSessionCode(code);
  const [found, directory] = await Promise.all([canonical ? getSessionWithRatings(deps, canonical) : null, requireDirectory(deps)]);
  if (!found || !canSeeSession(principal, found.session)) throw new NotFoundError('No such session.');
  const { session, ratings } = found;
  const now = deps.clock.now();

  const items = { total: 0, byKind: Object.fromEntries(kindIds.map((k) => [k, 0])) as Record<string, number>, answeredOnSpot: 0, routed: 0, answered: 0, closed: 0, open: 0, overdue: 0 };
  for await (const page of allForPrincipal(deps, principal, { sessionCode: session.code })) {
    for (const item of page) {
      items.total++;
      items.byKind[item.kind]++;
      if (item.answeredOnSpot) items.answeredOnSpot++;
      else if (item.groupId) items.routed++;
      if (item.status === 'answered') items.answered++;
      if (item.status === 'closed' && !item.answeredOnSpot) items.closed++;
      if (isOpen(item.status)) items.open++;
      if (isOverdue(item, now)) items.overdue++;
    }
  }

  // Fewer ratings than privacy.minCount: only their number, so that nobody's score can be inferred.
  const shown = ratings.length >= minCountOf(directory);
  const distribution = Object.fromEntries([1, 2, 3, 4, 5].map((score) => [String(score), ratings.filter((r) => r.score === score).length]));
  const sum = ratings.reduce((total, r) => total + r.score, 0);
  return {
    session: toSessionView(directory, session),
    ratings: {
      count: ratings.length,
      average: shown ? Math.round((sum / ratings.length) * 100) / 100 : null,
      distribution: shown ? distribution : null,
      comments: shown ? ratings.flatMap((r) => (r.comment ? [r.comment] : [])) : null,
    },
    items,
  };
};
