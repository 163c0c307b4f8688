import type { Logger } from '../../domain/logger.js';
import { normalize, type Embedder } from './embedder.js';

/**
 * The question's vector, normalised as the stored ones are; undefined when the embedder fails,
 * and the retriever then answers by full text alone (a warning says so) rather than not at all.
 */
export async function embedQuestion(embedder: Embedder, question: string, log?: Logger): Promise<Float32Array | undefined> {
  try {
    const [v] = await embedder.embed([question]);
    return normalize(v);
  } catch (err) {
    log?.warn({ err }, 'could not embed the question; retrieving by full text only');
    return undefined;
  }
}
