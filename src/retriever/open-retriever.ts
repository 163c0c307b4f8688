import type { KnowledgeConfig } from '../config/knowledge-config.js';
import type { Logger } from '../domain/logger.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Embedder } from './embeddings/embedder.js';
import { openAiEmbedder } from './embeddings/openai-embedder.js';
import type { Retriever } from './retriever.js';
import { sqliteRetriever } from './sqlite/sqlite-retriever.js';

/** The embedder EMBEDDINGS_* configure, if any. */
export function embedderFor(config: KnowledgeConfig): Embedder | undefined {
  const { baseUrl, apiKey, model, timeoutMs } = config.embeddings;
  return baseUrl && model ? openAiEmbedder({ baseUrl, apiKey, model, timeoutMs }) : undefined;
}

/** The retriever that lives beside the store: passages are indexed in the store's own database. */
export function openRetriever(store: Store, config: KnowledgeConfig, log: Logger): Retriever {
  const embedder = embedderFor(config);
  if ('db' in store) {
    return sqliteRetriever((store as SqliteStore).db, {
      embedder, log, minSimilarity: config.embeddings.minSimilarity, minRelevance: config.retrievalMinRelevance,
    });
  }
  throw new Error('no retriever adapter for this store');
}
