import { namesPostgres } from '../config/database-url.js';
import type { KnowledgeConfig } from '../config/knowledge-config.js';
import type { Logger } from '../domain/logger.js';
import { openPostgres } from '../store/postgres/postgres-database.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Embedder } from './embeddings/embedder.js';
import { openAiEmbedder } from './embeddings/openai-embedder.js';
import { openPassageVectors } from './postgres/passage-vectors.js';
import { postgresPassagePresence } from './postgres/postgres-passage-presence.js';
import { postgresRetriever } from './postgres/postgres-retriever.js';
import { RETRIEVER_MIGRATIONS } from './postgres/retriever-migrations.js';
import type { Retriever } from './retriever.js';
import { sqlitePassagePresence } from './sqlite/sqlite-passage-presence.js';
import { sqliteRetriever } from './sqlite/sqlite-retriever.js';

/** The embedder EMBEDDINGS_* configure, if any. */
export function embedderFor(config: KnowledgeConfig): Embedder | undefined {
  const { baseUrl, apiKey, model, timeoutMs } = config.embeddings;
  return baseUrl && model ? openAiEmbedder({ baseUrl, apiKey, model, timeoutMs }) : undefined;
}

/**
 * The retriever for DATABASE_URL. PostgreSQL: text search in that database, over a pool and
 * migrations of its own (tables `retriever_*`), apart from the store's. SQLite: passages indexed
 * in the store's own file (its migrations hold the tables), sharing its connection.
 */
export async function openRetriever(databaseUrl: string, store: Store, config: KnowledgeConfig, log: Logger): Promise<Retriever> {
  const common = { embedder: embedderFor(config), log, minSimilarity: config.embeddings.minSimilarity, minRelevance: config.retrievalMinRelevance };
  if (namesPostgres(databaseUrl)) {
    const pool = await openPostgres(databaseUrl, { maxConnections: 5 }, RETRIEVER_MIGRATIONS);
    // pgvector matters only when there are vectors to compare.
    const vectors = common.embedder ? await openPassageVectors(pool, log) : undefined;
    if (vectors) log.info({ method: vectors.method }, `passage vectors compared by ${vectors.method}`);
    return { ...postgresRetriever(pool, { ...common, vectors }), holdsPassages: postgresPassagePresence(pool) };
  }
  if ('db' in store) {
    const { db } = store as SqliteStore;
    return { ...sqliteRetriever(db, common), holdsPassages: sqlitePassagePresence(db) };
  }
  throw new Error('no retriever adapter for this store');
}
