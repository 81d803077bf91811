/**
 * A training session's figures, pure: what its summary shows (GET /api/sessions/{code}/summary).
 * Counted over ItemSummary rows, the very rows GET /api/items?sessionCode= lists, so each figure is
 * a count a client can make there.
 */
import { kindIds } from '../schemas/directory';
import type { ItemSummary } from '../schemas/staff';
import { isOpen } from './lifecycle';

export type SessionItemRow = Pick<ItemSummary, 'kind' | 'status' | 'groupId' | 'answeredOnSpot' | 'overdue'>;

/**
 *   total          every item
 *   byKind         per kind (every kind, zeros included)
 *   answeredOnSpot answeredOnSpot = true
 *   routed         handed to a group (groupId set), not answered on the spot
 *   answered       status answered (a public reply went out later)
 *   closed         status closed, not answered on the spot
 *   open           status submitted, assigned, in_progress or reopened
 *   overdue        overdue = true
 */
export const sessionItemFigures = (rows: Iterable<SessionItemRow>) => {
  const figures = { total: 0, byKind: Object.fromEntries(kindIds.map((k) => [k, 0])) as Record<string, number>, answeredOnSpot: 0, routed: 0, answered: 0, closed: 0, open: 0, overdue: 0 };
  for (const row of rows) {
    figures.total++;
    figures.byKind[row.kind] = (figures.byKind[row.kind] ?? 0) + 1;
    if (row.answeredOnSpot) figures.answeredOnSpot++;
    else if (row.groupId !== undefined) figures.routed++;
    if (row.status === 'answered') figures.answered++;
    if (row.status === 'closed' && !row.answeredOnSpot) figures.closed++;
    if (isOpen(row.status)) figures.open++;
    if (row.overdue) figures.overdue++;
  }
  return figures;
};

/** The figures of fewer ratings than `minCount` (see ratingFigures): their number alone. */
export const fewRatings = (count: number) => ({ count, average: null, distribution: null, comments: null });

/**
 * The ratings' figures. Fewer ratings than `minCount` (privacy.minCount): only their number, so
 * that in a small room nobody's score or comment can be told apart.
 */
export const ratingFigures = (ratings: readonly { score: number; comment?: string }[], minCount: number) => {
  const count = ratings.length;
  if (count === 0 || count < minCount) return fewRatings(count);
  const sum = ratings.reduce((total, r) => total + r.score, 0);
  return {
    count,
    average: Math.round((sum / count) * 100) / 100,
    distribution: Object.fromEntries([1, 2, 3, 4, 5].map((score) => [String(score), ratings.filter((r) => r.score === score).length])),
    comments: ratings.flatMap((r) => (r.comment ? [r.comment] : [])),
  };
};
