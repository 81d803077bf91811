import { describe, expect, it } from 'vitest';
import { evaluate, rankers } from '../../bench/answer-ranking';
import { offTopicQueries, rankingAnswers, rankingQueries } from '../../bench/answer-ranking-set';
import { buildSimilarityIndex, textTerms } from '../../shared/domain/answer-similarity';

/**
 * The ranking of published answers (shared/domain/answer-similarity.ts) on the labelled set: the
 * shipped index (MiniSearch over single characters and bigrams) finds the right answer first for
 * nearly every paraphrase, and ranks at least as well as each other way measured (a TF-IDF cosine
 * of our own, bigram-only tokenizers). The figures are printed, and written beside the index.
 */
describe('ranking published answers', () => {
  const figures = rankers.map((ranker) => evaluate(ranker));
  const [chosen, ...others] = figures;

  it('the labelled set is what it says: 40 answers (10 near neighbours no query names), 40 queries, each naming one of them', () => {
    expect(rankingAnswers).toHaveLength(40);
    for (const q of rankingQueries) expect(q.expected, q.text).toMatch(/^a\d\d$/);
    expect(rankingQueries).toHaveLength(40);
    const ids = new Set(rankingAnswers.map((a) => a.id));
    for (const q of rankingQueries) expect(ids.has(q.expected), q.text).toBe(true);
    // No query is its answer's title: these are paraphrases.
    for (const q of rankingQueries) expect(rankingAnswers.find((a) => a.id === q.expected)!.title).not.toBe(q.text);
  });

  it('the chosen index ranks the right answer first for at least 90% of the paraphrases, and no other way ranks better', () => {
    console.log(figures.map((f) => `${f.name.padEnd(48)} P@1 ${f.precisionAt1.toFixed(3)}  MRR ${f.mrr.toFixed(3)}`).join('\n'));
    expect(chosen!.name).toMatch(/shipped/);
    expect(chosen!.precisionAt1, JSON.stringify(chosen!.misses)).toBeGreaterThanOrEqual(0.9);
    expect(chosen!.mrr).toBeGreaterThanOrEqual(0.93);
    for (const other of others) expect(chosen!.mrr, other.name).toBeGreaterThanOrEqual(other.mrr);
  });

  it('scores lie in 0..1, a text scores 1 against itself, and a text with nothing in common finds nothing', () => {
    const index = buildSimilarityIndex(rankingAnswers);
    const self = rankingAnswers[0]!;
    const [best] = buildSimilarityIndex([self, rankingAnswers[1]!]).search(self.title, 5);
    expect(best).toEqual({ id: self.id, score: 1 });
    for (const q of [...rankingQueries.map((r) => r.text), ...offTopicQueries]) {
      const found = index.search(q, 5);
      expect(found.length).toBeLessThanOrEqual(5);
      for (const r of found) expect(r.score > 0 && r.score <= 1, `${q}: ${r.score}`).toBe(true);
      for (let i = 1; i < found.length; i++) expect(found[i - 1]!.score).toBeGreaterThanOrEqual(found[i]!.score);
    }
    expect(index.search('ΩΩΩ ###', 5)).toEqual([]);
    expect(buildSimilarityIndex([]).search('加装电梯', 5)).toEqual([]);
  });

  it('compares Chinese by characters and bigrams, other scripts by words, folded (full-width, case)', () => {
    expect(textTerms('加装电梯')).toEqual(['加', '加装', '装', '装电', '电', '电梯', '梯']);
    expect(textTerms('ＡＰＰ 12345热线')).toEqual(['app', '12345', '热', '热线', '线']);
    expect(textTerms('，。！')).toEqual([]);
  });
});
