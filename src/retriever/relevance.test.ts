import { describe, expect, it } from 'vitest';
import { inverseDocumentFrequency, NAMED_DOCUMENT_BOOST, OTHER_DOCUMENT_SHARE, rankByRelevance, termCoverage, termWeights, UNKNOWN_NAME_WEIGHT } from './relevance.js';

const c = (documentId: number, score: number, hasTerm: boolean[], hasTermInText = hasTerm, nameHasTerm = false) =>
  ({ documentId, score, hasTerm, hasTermInText, nameHasTerm });

describe('relevance', () => {
  it('weighs a term by its rarity, a term no passage has the most', () => {
    const none = inverseDocumentFrequency(1000, 0);
    const rare = inverseDocumentFrequency(1000, 3);
    const common = inverseDocumentFrequency(1000, 900);
    expect(none).toBeGreaterThan(rare);
    expect(rare).toBeGreaterThan(common);
    expect(common).toBeGreaterThan(0);
  });

  it('weighs a name no passage has more than an unknown everyday word, and a known name as any word', () => {
    const [name, word, known] = termWeights(1000, [0, 0, 3], [true, false, true]);
    expect(name).toBe(word * UNKNOWN_NAME_WEIGHT);
    expect(known).toBe(inverseDocumentFrequency(1000, 3));
  });

  it('measures the share of the question\'s weight a passage holds', () => {
    expect(termCoverage([1, 3], [true, false])).toBe(0.25);
    expect(termCoverage([1, 3], [true, true])).toBe(1);
    expect(termCoverage([0, 0], [true, false])).toBe(1);
    expect(termCoverage([], [])).toBe(0);
  });

  it('drops passages under the floor and filler from other documents, and ranks by words in the text', () => {
    const ranked = rankByRelevance([
      c(1, 10, [true, true], [true, false]), // under a title that names half the question
      c(1, 9, [true, true]),
      c(2, 9 * OTHER_DOCUMENT_SHARE * 0.9, [true, true]), // another document, far behind
      c(3, 20, [true, false]), // half the question: under a floor of 0.6
    ], [1, 1], 0.6);
    expect(ranked.map((r) => r.score)).toEqual([9, 10 * Math.SQRT1_2]);
    expect(rankByRelevance([c(1, 5, [false, true])], [1, 1], 0.6)).toEqual([]);
  });

  it('puts a document the question names first, without making the others filler', () => {
    const ranked = rankByRelevance([
      c(1, 10, [true, true]),
      c(2, 8, [true, true], [true, true], true),
    ], [1, 1], 0.3);
    expect(ranked.map((r) => [r.documentId, r.score])).toEqual([[2, 8 * NAMED_DOCUMENT_BOOST], [1, 10]]);
  });
});
