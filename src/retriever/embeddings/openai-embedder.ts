import type { Embedder } from './embedder.js';

export interface OpenAiEmbedderOptions {
  /** Up to and including /v1, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
  /** Texts per request. */
  batchSize?: number;
}

/** An OpenAI-compatible `POST {baseUrl}/embeddings` client. */
export function openAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const batchSize = options.batchSize ?? 64;
  async function embedBatch(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const res = await fetch(`${options.baseUrl}/embeddings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey && { authorization: `Bearer ${options.apiKey}` }),
      },
      body: JSON.stringify({ model: options.model, input, encoding_format: 'float' }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) throw new Error(`embeddings endpoint answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const body = (await res.json()) as { data?: { index?: number; embedding?: unknown }[] };
    const data = body.data;
    if (!Array.isArray(data) || data.length !== input.length) {
      throw new Error('embeddings endpoint returned a different number of vectors than texts');
    }
    const out = new Array<Float32Array>(input.length);
    data.forEach((d, i) => {
      if (!Array.isArray(d.embedding) || !d.embedding.every((x) => typeof x === 'number')) {
        throw new Error('embeddings endpoint returned a vector that is not an array of numbers');
      }
      out[typeof d.index === 'number' ? d.index : i] = Float32Array.from(d.embedding as number[]);
    });
    if (out.some((v) => !v)) throw new Error('embeddings endpoint returned vectors with wrong indexes');
    return out;
  }
  return {
    async embed(texts, signal) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await embedBatch(texts.slice(i, i + batchSize), signal)));
      return out;
    },
  };
}
