import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';

/**
 * Full-text hits and vector hits fused into one ranking (reciprocal rank fusion), the first
 * `limit`, each with its fused score. Full-text hits are at hand already: only the passages found
 * by vector alone are read, by `readByIds`; one it does not return (removed meanwhile) is left out.
 */
export async function fuseHits<R extends { id: number }>(
  textHits: R[], vectorIds: number[], limit: number, readByIds: (ids: number[]) => R[] | Promise<R[]>,
): Promise<{ row: R; score: number }[]> {
  const fused = reciprocalRankFusion([textHits.map((r) => r.id), vectorIds]).slice(0, limit);
  const byId = new Map(textHits.map((r) => [r.id, r]));
  const vectorOnly = fused.map((f) => f.key).filter((id) => !byId.has(id));
  if (vectorOnly.length) for (const r of await readByIds(vectorOnly)) byId.set(r.id, r);
  return fused.filter((f) => byId.has(f.key)).map((f) => ({ row: byId.get(f.key)!, score: f.score }));
}
