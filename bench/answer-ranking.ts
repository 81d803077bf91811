/**
 * How well each way of ranking published answers finds the right one for a paraphrased question
 * (the labelled set: ./answer-ranking-set.ts): precision at 1 (the right answer first) and the
 * mean reciprocal rank (1 for first, 1/2 for second, ..., 0 when not in the top 5, as `similar`
 * shows 5). test/unit/answer-ranking.test.ts runs it and keeps the chosen one ahead;
 * `npx tsx bench/answer-ranking.ts` prints the table.
 */
import MiniSearch from 'minisearch';
import { buildSimilarityIndex, type ComparableText } from '../shared/domain/answer-similarity';
import { rankingAnswers, rankingQueries } from './answer-ranking-set';

export interface Ranker {
  readonly name: string;
  readonly build: (docs: readonly ComparableText[]) => (text: string) => string[];
}

export interface RankingFigures {
  readonly name: string;
  readonly precisionAt1: number;
  readonly mrr: number;
  /** The queries whose answer was not first, with where it came (0: not in the top 5). */
  readonly misses: { text: string; rank: number }[];
}

const top = 5;

/** CJK runs as bigrams (a run of one character as itself), other runs as words: MiniSearch's usual CJK tokenizer. */
const bigrams = (text: string): string[] =>
  (text.normalize('NFKC').toLowerCase().match(/\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? []).flatMap((run) => {
    if (!/\p{Script=Han}/u.test(run)) return [run];
    const chars = [...run];
    return chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i]! + c);
  });
/** The same with each character as well. */
const unigramsAndBigrams = (text: string): string[] =>
  bigrams(text).flatMap((term) => (/\p{Script=Han}/u.test(term) ? [...term, term] : [term]));

const miniSearch = (name: string, tokenize: (text: string) => string[]): Ranker => ({
  name,
  build: (docs) => {
    const index = new MiniSearch<ComparableText>({
      fields: ['title', 'question', 'answer'],
      tokenize,
      searchOptions: { boost: { title: 2, question: 1, answer: 0.4 }, combineWith: 'OR', prefix: false, fuzzy: false },
    });
    index.addAll(docs);
    return (text) => index.search(text).slice(0, top).map((r) => String(r.id));
  },
});

export const rankers: readonly Ranker[] = [
  { name: 'n-grams (unigrams + bigrams), TF-IDF cosine', build: (docs) => { const index = buildSimilarityIndex(docs); return (text) => index.search(text, top).map((r) => r.id); } },
  {
    name: 'n-grams (bigrams only), TF-IDF cosine',
    build: (docs) => {
      // The same index over texts whose single characters are hidden: each bigram spelled as one "word".
      const spell = (text: string) => bigrams(text).map((t) => `x${[...t].map((c) => c.codePointAt(0)!.toString(36)).join('y')}`).join(' ');
      const index = buildSimilarityIndex(docs.map((d) => ({ id: d.id, title: spell(d.title), question: spell(d.question), answer: spell(d.answer) })));
      return (text) => index.search(spell(text), top).map((r) => r.id);
    },
  },
  miniSearch('MiniSearch, bigram tokenizer, BM25', bigrams),
  miniSearch('MiniSearch, unigrams + bigrams, BM25', unigramsAndBigrams),
];

export const evaluate = (ranker: Ranker, docs = rankingAnswers, queries = rankingQueries): RankingFigures => {
  const search = ranker.build(docs);
  let first = 0;
  let reciprocal = 0;
  const misses: { text: string; rank: number }[] = [];
  for (const query of queries) {
    const rank = search(query.text).indexOf(query.expected) + 1;
    if (rank === 1) first++;
    else misses.push({ text: query.text, rank });
    if (rank > 0) reciprocal += 1 / rank;
  }
  return { name: ranker.name, precisionAt1: first / queries.length, mrr: reciprocal / queries.length, misses };
};

if (process.argv[1]?.endsWith('answer-ranking.ts')) {
  for (const ranker of rankers) {
    const figures = evaluate(ranker);
    console.log(`${figures.name.padEnd(48)} P@1 ${figures.precisionAt1.toFixed(3)}  MRR ${figures.mrr.toFixed(3)}  misses: ${figures.misses.map((m) => `${m.text}(${m.rank})`).join(', ')}`);
  }
}

/**
 * The cost of the chosen index at a campaign's largest size: `n` answers (the labelled ones
 * repeated, each copy's texts shifted so no two are equal, ~150 characters each), built once and
 * asked every labelled query. Run with `npx tsx bench/answer-ranking.ts`.
 */
export const measureIndex = (n: number) => {
  const docs: ComparableText[] = [];
  for (let i = 0; i < n; i++) {
    const base = rankingAnswers[i % rankingAnswers.length]!;
    const salt = String.fromCodePoint(0x4e00 + (i % 2000));
    docs.push({ id: `d${i}`, title: `${base.title}${salt}`, question: `${salt}${base.question}`, answer: `${base.answer}${salt}` });
  }
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = buildSimilarityIndex(docs);
  const buildMs = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const queryStarted = performance.now();
  for (const query of rankingQueries) index.search(query.text, top);
  const queryMs = (performance.now() - queryStarted) / rankingQueries.length;
  return { n, buildMs, heapMb, queryMs };
};

if (process.argv[1]?.endsWith('answer-ranking.ts')) {
  for (const n of [300, 3000, 5000]) {
    const m = measureIndex(n);
    console.log(`${m.n} answers: build ${m.buildMs.toFixed(0)} ms, ~${m.heapMb.toFixed(1)} MB heap, ${m.queryMs.toFixed(2)} ms per query`);
  }
}
