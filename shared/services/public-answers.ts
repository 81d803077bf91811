import type { Deps } from '../deps';
import { readAnswersRevision, readPublishedAnswers, type PublishedAnswer } from '../data/published-answers';
import { buildSimilarityIndex, type SimilarityIndex } from '../domain/answer-similarity';
import type { Kind } from '../schemas/directory';
import { InvalidInputError } from '../domain/errors';

/**
 * What everyone reads of the published answers: the list (newest first, by kind), the search box
 * (`q`) and the answers like the title a person is typing (`similar`).
 *
 * All three are served from the whole set held in memory with its similarity index, per table and
 * per warm function. Fresh: every request first reads the set's revision (1 RCU, consistent);
 * only when it moved is the set read again (one consistent Query, ~750 RCU and about two seconds to
 * index at the most allowed, `maxPublishedAnswers`: shared/data/published-answers.ts), so a publication or a
 * withdrawal shows from the next request on, in every warm function. Publications are rare (a few
 * a day), so nearly every request costs that one read. The revision is read before the set: a
 * change committed between the two is in the set and moves the revision once more, so the next
 * request reads again; nothing newer is ever hidden behind an older revision.
 */

interface AnswerSet {
  readonly revision: number;
  /** Newest first (publishedAt, then id). */
  readonly newest: readonly PublishedAnswer[];
  readonly byId: ReadonlyMap<string, PublishedAnswer>;
  readonly index: SimilarityIndex;
}

/** By the deps' table client: a test or the local stack with several tables keeps their sets apart. */
const sets = new WeakMap<object, AnswerSet>();

const currentSet = async (deps: Pick<Deps, 'db'>): Promise<AnswerSet> => {
  const revision = await readAnswersRevision(deps);
  const held = sets.get(deps.db);
  if (held?.revision === revision) return held;
  const answers = await readPublishedAnswers(deps);
  const newest = [...answers].sort((a, b) => (a.publishedAt === b.publishedAt ? (a.id < b.id ? 1 : -1) : a.publishedAt < b.publishedAt ? 1 : -1));
  const set: AnswerSet = { revision, newest, byId: new Map(answers.map((a) => [a.id, a])), index: buildSimilarityIndex(answers) };
  sets.set(deps.db, set);
  return set;
};

/**
 * A search (`q`) keeps answers covering at least this share of it (shared/domain/answer-similarity.ts):
 * a short query shares a character or two with many unrelated answers ("加装电梯" with 路灯安装),
 * and those score under it; `similar` shows the `similarAnswerCount` nearest, however far.
 */
export const searchFloor = 0.1;

/** How many answers `similar` shows (docs/api.md: up to 5). */
export const similarAnswerCount = 5;

const positionOf = (answer: PublishedAnswer) => `${answer.publishedAt}#${answer.id}`;
/** A ranked page's position: the rank to start at (the ranking of a query, not a time). */
const rankPosition = /^r(\d{1,6})$/;

export const listPublicAnswers = async (deps: Deps, query: { q?: string; kind?: Kind; limit: number }, position: string | undefined) => {
  const set = await currentSet(deps);
  const ofKind = (a: PublishedAnswer) => query.kind === undefined || a.kind === query.kind;
  if (query.q !== undefined) {
    const start = position === undefined ? 0 : Number(rankPosition.exec(position)?.[1] ?? Number.NaN);
    if (!Number.isInteger(start)) throw new InvalidInputError([{ path: 'query.cursor', message: 'Not a cursor this API gave out.' }]);
    const ranked = set.index.search(query.q, set.index.size, searchFloor).map((r) => set.byId.get(r.id)!).filter(ofKind);
    const page = ranked.slice(start, start + query.limit);
    return { answers: page, next: start + query.limit < ranked.length ? `r${start + query.limit}` : undefined };
  }
  const after = position === undefined ? [...set.newest] : set.newest.filter((a) => positionOf(a) < position);
  const matching = after.filter(ofKind);
  const page = matching.slice(0, query.limit);
  return { answers: page, next: matching.length > query.limit ? positionOf(page.at(-1)!) : undefined };
};

/** The `similarAnswerCount` published answers most like `text`, best first, each with its score (0..1, 3 decimals). */
export const similarAnswers = async (deps: Deps, text: string) => {
  const set = await currentSet(deps);
  return set.index.search(text, similarAnswerCount).map((r) => ({ ...set.byId.get(r.id)!, score: Math.round(r.score * 1000) / 1000 }));
};
