import type { Embedder } from '../../src/retriever/embeddings/embedder.js';

/** Bag-of-letters vectors: crude, but deterministic and enough to exercise the fusion path. */
export const lettersEmbedder: Embedder = {
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(26);
      for (const c of t.toLowerCase()) if (c >= 'a' && c <= 'z') v[c.charCodeAt(0) - 97]++;
      return v;
    });
  },
};
