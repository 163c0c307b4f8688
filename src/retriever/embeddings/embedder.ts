/** Turns texts into vectors; one vector per text, in order. */
export interface Embedder {
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Scales a vector to length 1, so that a dot product is the cosine similarity. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  return v.map((x) => x / norm);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}
