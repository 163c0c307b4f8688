import { describe, expect, it } from 'vitest';
import { mostSimilar } from './most-similar.js';

describe('mostSimilar', () => {
  const v = (...xs: number[]) => Float32Array.from(xs);
  const stored = [{ id: 1, vector: v(0, 1) }, { id: 2, vector: v(1, 0) }, { id: 3, vector: v(0.6, 0.8) }, { id: 4, vector: v(0.8, 0.6) }];

  it('is the ids by dot product, best first, none below the floor, at most the limit', () => {
    expect(mostSimilar(v(1, 0), stored, 0, 10)).toEqual([2, 4, 3, 1]);
    expect(mostSimilar(v(1, 0), stored, 0.7, 10)).toEqual([2, 4]);
    expect(mostSimilar(v(1, 0), stored, 0, 2)).toEqual([2, 4]);
  });

  it('keeps the stored order among equals', () => {
    expect(mostSimilar(v(1, 1), [{ id: 5, vector: v(1, 0) }, { id: 6, vector: v(0, 1) }], 0, 2)).toEqual([5, 6]);
  });
});
