/**
 * Which published answers are like a text (API.md v2, "Answers everyone may read"): character
 * n-grams, because Chinese has no spaces to split words at and a word segmenter is a dictionary of
 * megabytes. A run of Han characters gives its single characters and its bigrams ("加装电梯" ->
 * 加 装 电 梯 加装 装电 电梯); any other run of letters or digits is one term. Terms are weighted by
 * TF-IDF (rare characters say more than 的 or 是) and the score is the cosine of the two vectors,
 * so it lies in 0..1 and a text compared with itself scores 1.
 *
 * Measured against MiniSearch on the labelled set of bench/answer-ranking-set.ts (30 answers, 40
 * paraphrased questions, half of them far: "胡同里黑灯瞎火" for a broken street light;
 * test/unit/answer-ranking.test.ts prints the figures), precision at 1 and mean reciprocal rank:
 *   this index (unigrams + bigrams, TF-IDF cosine)   P@1 1.000, MRR 1.000
 *   the same, bigrams only                            P@1 0.825, MRR 0.838
 *   MiniSearch 7, bigram tokenizer, BM25              P@1 0.850, MRR 0.850
 *   MiniSearch 7, unigrams + bigrams, BM25            P@1 1.000, MRR 1.000
 * Single characters are what finds a far paraphrase (it keeps the topic's characters, not its
 * words); with them both rank alike. This one is kept: its cosine is a score in 0..1 as the
 * contract asks (BM25's is unbounded, and dividing by the best makes every first answer 1 however
 * far it is), and it adds no dependency to the public functions.
 *
 * Cost (bench/answer-ranking.ts, `npx tsx bench/answer-ranking.ts`, ~150-character answers on this
 * machine): building is linear in the text, ~70 ms for 300 answers and ~0.55 s for 3,000 (the
 * most a campaign may publish), some 20-30 MB of heap; a query walks the postings of its own terms
 * only, ~1 ms at 300 answers and ~4 ms at 3,000.
 */

/** What is compared of an answer: the title counts most, the answer's wording least. */
export interface ComparableText {
  readonly id: string;
  readonly title: string;
  readonly question: string;
  readonly answer: string;
}

const fieldWeights = { title: 2, question: 1, answer: 0.4 } as const;

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

/** Term -> weight (1 + ln tf per field, times the field's weight, summed). */
const termWeights = (fields: readonly (readonly [string, number])[]): Map<string, number> => {
  const weights = new Map<string, number>();
  for (const [text, fieldWeight] of fields) {
    const counts = new Map<string, number>();
    for (const term of textTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, n] of counts) weights.set(term, (weights.get(term) ?? 0) + fieldWeight * (1 + Math.log(n)));
  }
  return weights;
};

export interface SimilarityIndex {
  /** The ids of the answers most like `text`, best first, each with its score in (0, 1]; at most `limit`. */
  readonly search: (text: string, limit: number, minScore?: number) => { id: string; score: number }[];
  readonly size: number;
}

export const buildSimilarityIndex = (docs: readonly ComparableText[]): SimilarityIndex => {
  const vectors = docs.map((d) => termWeights([[d.title, fieldWeights.title], [d.question, fieldWeights.question], [d.answer, fieldWeights.answer]]));
  const documentFrequency = new Map<string, number>();
  for (const vector of vectors) for (const term of vector.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  // Smoothed: a term no answer has weighs as much as the rarest one, so words of the text that no
  // answer shares lower every score instead of being ignored.
  const idf = (term: string) => Math.log((docs.length + 1) / ((documentFrequency.get(term) ?? 0) + 1)) + 1;
  const postings = new Map<string, { doc: number; weight: number }[]>();
  const norms = vectors.map((vector, doc) => {
    let sum = 0;
    for (const [term, tf] of vector) {
      const weight = tf * idf(term);
      sum += weight * weight;
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push({ doc, weight });
    }
    return Math.sqrt(sum);
  });
  return {
    size: docs.length,
    search: (text, limit, minScore = 0) => {
      const query = termWeights([[text, 1]]);
      let queryNorm = 0;
      const dots = new Map<number, number>();
      for (const [term, tf] of query) {
        const weight = tf * idf(term);
        queryNorm += weight * weight;
        for (const posting of postings.get(term) ?? []) dots.set(posting.doc, (dots.get(posting.doc) ?? 0) + weight * posting.weight);
      }
      queryNorm = Math.sqrt(queryNorm);
      if (queryNorm === 0) return [];
      const scored: { id: string; score: number }[] = [];
      for (const [doc, dot] of dots) {
        // Rounding may put a text compared with itself a hair above 1.
        const score = Math.min(1, dot / (queryNorm * norms[doc]!));
        if (score > minScore) scored.push({ id: docs[doc]!.id, score });
      }
      return scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
    },
  };
};
