import { dot } from './embedder.js';

/** A stored passage vector, normalised as the adapters keep them. */
export interface StoredVector {
  id: number;
  vector: Float32Array;
}

/**
 * The ids of the stored vectors most similar to `query` (normalised too, so that the dot product
 * is the cosine), best first, at most `limit`, none below `minSimilarity`: the comparison both
 * adapters make when their database cannot (SQLite; PostgreSQL without pgvector).
 */
export function mostSimilar(query: Float32Array, stored: StoredVector[], minSimilarity: number, limit: number): number[] {
  return stored
    .map((v) => ({ id: v.id, s: dot(query, v.vector) }))
    .filter((r) => r.s >= minSimilarity)
    .sort((a, b) => b.s - a.s)
    .slice(0, limit)
    .map((r) => r.id);
}
