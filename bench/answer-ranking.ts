/**
 * How well each way of ranking published answers finds the right one for a paraphrased question
 * (the labelled set: ./answer-ranking-set.ts): precision at 1 (the right answer first) and the
 * mean reciprocal rank (1 for first, 1/2 for second, ..., 0 when not in the top 5, as `similar`
 * shows 5). test/unit/answer-ranking.test.ts runs it and keeps the chosen one ahead;
 * `npx tsx bench/answer-ranking.ts` prints the table and the chosen index's cost.
 */
import MiniSearch from 'minisearch';
import { buildSimilarityIndex, fieldBoosts, textTerms, type ComparableText } from '../shared/domain/answer-similarity';
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

/** Only the bigrams of Han runs (a run of one character as itself), as MiniSearch's usual CJK tokenizers do. */
const bigramsOnly = (text: string): string[] => {
  const terms = textTerms(text);
  return terms.filter((term, i) => !/^\p{Script=Han}$/u.test(term) || (terms[i + 1]?.length !== 2 && terms[i - 1]?.length !== 2));
};

const miniSearch = (name: string, tokenize: (text: string) => string[]): Ranker => ({
  name,
  build: (docs) => {
    const index = new MiniSearch<ComparableText>({ fields: ['title', 'question', 'answer'], tokenize, searchOptions: { boost: fieldBoosts, combineWith: 'OR', prefix: false, fuzzy: false } });
    index.addAll(docs);
    return (text) => index.search(text).slice(0, top).map((r) => String(r.id));
  },
});

/** TF-IDF vectors (1 + ln tf per field, times the field's boost; smoothed idf) compared by cosine: the first one written. */
const cosine = (name: string, tokenize: (text: string) => string[]): Ranker => ({
  name,
  build: (docs) => {
    const weigh = (parts: [string, number][]) => {
      const weights = new Map<string, number>();
      for (const [text, boost] of parts) {
        const counts = new Map<string, number>();
        for (const term of tokenize(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
        for (const [term, n] of counts) weights.set(term, (weights.get(term) ?? 0) + boost * (1 + Math.log(n)));
      }
      return weights;
    };
    const vectors = docs.map((d) => weigh([[d.title, fieldBoosts.title], [d.question, fieldBoosts.question], [d.answer, fieldBoosts.answer]]));
    const df = new Map<string, number>();
    for (const v of vectors) for (const term of v.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const idf = (term: string) => Math.log((docs.length + 1) / ((df.get(term) ?? 0) + 1)) + 1;
    const norm = (v: Map<string, number>) => Math.sqrt([...v].reduce((s, [term, w]) => s + (w * idf(term)) ** 2, 0));
    const norms = vectors.map(norm);
    return (text) => {
      const q = weigh([[text, 1]]);
      const qn = norm(q);
      return vectors
        .map((v, i) => ({ id: docs[i]!.id, score: [...q].reduce((s, [term, w]) => s + w * idf(term) * (v.get(term) ?? 0) * idf(term), 0) / (qn * norms[i]! || 1) }))
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, top)
        .map((r) => r.id);
    };
  },
});

/** The shipped index first (shared/domain/answer-similarity.ts), then the ones it was measured against. */
export const rankers: readonly Ranker[] = [
  { name: 'MiniSearch, unigrams + bigrams (shipped)', build: (docs) => { const index = buildSimilarityIndex(docs); return (text) => index.search(text, top).map((r) => r.id); } },
  cosine('own TF-IDF cosine, unigrams + bigrams', textTerms),
  miniSearch('MiniSearch, bigram tokenizer', bigramsOnly),
  cosine('own TF-IDF cosine, bigrams only', bigramsOnly),
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

/**
 * The cost of the chosen index at a campaign's largest size: `n` answers (the labelled ones
 * repeated, each copy's texts shifted so no two are equal, ~150 characters each), built once and
 * asked every labelled query.
 */
export const measureIndex = (n: number) => {
  const docs: ComparableText[] = [];
  for (let i = 0; i < n; i++) {
    const base = rankingAnswers[i % rankingAnswers.length]!;
    const salt = String.fromCodePoint(0x4e00 + (i % 2000));
    docs.push({ id: `d${i}`, title: `${base.title}${salt}`, question: `${salt}${base.question}`, answer: `${base.answer}${salt}` });
  }
  const started = performance.now();
  const index = buildSimilarityIndex(docs);
  const buildMs = performance.now() - started;
  const queryStarted = performance.now();
  for (const query of rankingQueries) index.search(query.text, top);
  const queryMs = (performance.now() - queryStarted) / rankingQueries.length;
  return { n, buildMs, queryMs };
};

if (process.argv[1]?.endsWith('answer-ranking.ts')) {
  for (const ranker of rankers) {
    const figures = evaluate(ranker);
    console.log(`${figures.name.padEnd(44)} P@1 ${figures.precisionAt1.toFixed(3)}  MRR ${figures.mrr.toFixed(3)}  misses: ${figures.misses.map((m) => `${m.text}(${m.rank})`).join(', ')}`);
  }
  for (const n of [300, 3000, 5000]) {
    const m = measureIndex(n);
    console.log(`${m.n} answers: build ${m.buildMs.toFixed(0)} ms, ${m.queryMs.toFixed(2)} ms per query`);
  }
}
