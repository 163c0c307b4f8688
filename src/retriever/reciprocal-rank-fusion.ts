/** Reciprocal rank fusion's usual constant: dampens the weight of the very first ranks. */
export const RRF_K = 60;

/** Fuses ranked lists of keys into one ranking, each key scored by Σ 1 / (k + rank). */
export function reciprocalRankFusion<K>(lists: K[][], k = RRF_K): { key: K; score: number }[] {
  const scores = new Map<K, number>();
  for (const list of lists) {
    list.forEach((key, i) => scores.set(key, (scores.get(key) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
}
