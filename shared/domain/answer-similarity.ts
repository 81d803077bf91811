import MiniSearch from 'minisearch';

/**
 * Which published answers are like a text (API.md v2, "Answers everyone may read"): MiniSearch
 * (BM25+ over the title, question and answer fields) with a tokenizer of character n-grams,
 * because Chinese has no spaces to split words at and a word segmenter is a dictionary of
 * megabytes. A run of Han characters gives its single characters and its bigrams ("加装电梯" ->
 * 加 加装 装 装电 电 电梯 梯); any other run of letters or digits is one term.
 *
 * Measured on the labelled set of bench/answer-ranking-set.ts (40 answers, 10 of them near
 * neighbours of others' topics, and 40 paraphrased questions, half of them far: "胡同里黑灯瞎火"
 * for a broken street light; test/unit/answer-ranking.test.ts prints the figures), precision at 1
 * and mean reciprocal rank over the top 5:
 *   MiniSearch 7, unigrams + bigrams (this)           P@1 1.000, MRR 1.000
 *   own TF-IDF cosine, unigrams + bigrams             P@1 0.950, MRR 0.975
 *   MiniSearch 7, bigram tokenizer                    P@1 0.825, MRR 0.833
 *   own TF-IDF cosine, bigrams only                   P@1 0.800, MRR 0.821
 * Single characters are what finds a far paraphrase (it keeps the topic's characters, not its
 * words); BM25's saturation and MiniSearch's reward for matching more of the question's terms
 * put the right answer above a neighbour that shares one salient word many times.
 *
 * BM25's score is unbounded; the contract wants 0..1. `score` is MiniSearch's score over the one
 * an answer would earn holding each of the text's terms once, at average length, in its best field
 * (per term, the largest of field boost x idf x (d + 1): BM25+ at tf 1; times the number of the
 * text's distinct terms, MiniSearch's reward for matching them all), at most 1: about 1 for an
 * answer whose title says the same, about a quarter for one that covers half of the text. A
 * constant per text, so the order is MiniSearch's. On the labelled set the
 * right answer scores 0.02-0.44 (median 0.15), the next one 0.00-0.14 (median 0.02), and the best
 * answer to a question none is about 0.01-0.03.
 *
 * Cost, measured (bench/answer-ranking.ts: `npx tsx bench/answer-ranking.ts`, ~150-character
 * answers, on a shared 2-core machine under load): building ~0.15 s for 300 answers and ~1.7 s for
 * 3,000 (`maxPublishedAnswers`, the most a campaign may publish; the own cosine index built in a
 * third of that but ranked worse);
 * a query 1-15 ms.
 */

/** What is compared of an answer: the title counts most, the answer's wording least. */
export interface ComparableText {
  readonly id: string;
  readonly title: string;
  readonly question: string;
  readonly answer: string;
}

const fields = ['title', 'question', 'answer'] as const;
export const fieldBoosts = { title: 2, question: 1, answer: 0.4 } as const;
/** MiniSearch 7's BM25+ defaults (its `defaultBM25params`): the score's reference is computed with them. */
const bm25 = { k: 1.2, b: 0.7, d: 0.5 } as const;

const hanChar = /\p{Script=Han}/u;
const runs = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;

/** The terms of a text: NFKC-folded (full-width letters and digits become ASCII), lower case. */
export const textTerms = (text: string): string[] => {
  const out: string[] = [];
  for (const run of text.normalize('NFKC').toLowerCase().match(runs) ?? []) {
    if (!hanChar.test(run)) {
      out.push(run);
      continue;
    }
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      out.push(chars[i]!);
      if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
    }
  }
  return out;
};

export interface SimilarityIndex {
  /** The ids of the answers most like `text`, best first, each with its score in (0, 1]; at most `limit`. */
  readonly search: (text: string, limit: number, minScore?: number) => { id: string; score: number }[];
  readonly size: number;
}

export const buildSimilarityIndex = (docs: readonly ComparableText[]): SimilarityIndex => {
  // In how many answers each term stands, per field: the reference score's idf, as MiniSearch's.
  // Counted as MiniSearch tokenizes each field of each answer (once), not by a second pass.
  const frequency = new Map<string, [number, number, number]>();
  const index = new MiniSearch<ComparableText>({
    fields: [...fields],
    tokenize: (text, field) => {
      const terms = textTerms(text);
      const f = fields.indexOf(field as (typeof fields)[number]);
      if (f >= 0) {
        for (const term of new Set(terms)) {
          const counts = frequency.get(term) ?? [0, 0, 0];
          counts[f]!++;
          frequency.set(term, counts);
        }
      }
      return terms;
    },
    // The terms are folded already; MiniSearch's default would lower-case them again.
    processTerm: (term) => term,
    searchOptions: { boost: fieldBoosts, combineWith: 'OR', prefix: false, fuzzy: false, tokenize: textTerms },
  });
  index.addAll(docs);
  const idf = (matching: number) => Math.log(1 + (docs.length - matching + 0.5) / (matching + 0.5));
  const reference = (terms: readonly string[]) => {
    let sum = 0;
    for (const term of terms) {
      const counts = frequency.get(term) ?? [0, 0, 0];
      sum += Math.max(...fields.map((field, f) => fieldBoosts[field] * idf(counts[f]!) * (bm25.d + 1)));
    }
    return sum;
  };
  return {
    size: docs.length,
    search: (text, limit, minScore = 0) => {
      const terms = textTerms(text);
      if (terms.length === 0 || docs.length === 0) return [];
      // MiniSearch multiplies by the number of the text's terms matched: the reference matches them all.
      const best = reference(terms) * new Set(terms).size;
      const found: { id: string; score: number }[] = [];
      for (const result of index.search(text)) {
        const score = Math.min(1, result.score / best);
        if (score > minScore) found.push({ id: String(result.id), score });
        if (found.length === limit) break;
      }
      return found;
    },
  };
};
