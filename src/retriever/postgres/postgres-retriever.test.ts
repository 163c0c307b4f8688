import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PgPool } from '../../store/postgres/postgres-database.js';
import { retrieverContract } from '../../../test/retriever/retriever-contract.js';
import { freshRetrieverDatabase } from '../../../test/support/fresh-retriever-database.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../../test/support/test-services.js';
import type { Embedder } from '../embeddings/embedder.js';
import { lettersEmbedder as letters } from '../../../test/retriever/letters-embedder.js';
import { RETRIEVER_MIGRATIONS } from './retriever-migrations.js';
import { openPassageVectors } from './passage-vectors.js';
import { postgresRetriever } from './postgres-retriever.js';

const available = await postgresAvailable();
/** pgvector is not among the packages these machines can install; where it is, its own cases run too. */
async function pgvectorOnServer(): Promise<boolean> {
  if (!available) return false;
  const probe = await freshRetrieverDatabase('pgvector-probe');
  try {
    const { rows } = await probe.pool.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    return rows.length > 0;
  } finally {
    await probe.close();
  }
}
const pgvector = await pgvectorOnServer();
if (available && !pgvector) console.warn('pgvector is not installed on the test server: its cases are skipped; vectors are compared as real[]');


describe.runIf(available)('the PostgreSQL retriever', () => {
  let database: TestDatabase;
  const pools: PgPool[] = [];
  /** A fresh, empty passage table for each retriever: the contract's cases must not see each other's. */
  const fresh = async (embedder?: Embedder) => {
    const pool = await openPostgres(database.url, {}, RETRIEVER_MIGRATIONS);
    pools.push(pool);
    await pool.query('TRUNCATE retriever_passages');
    // As open-retriever.ts does: pgvector where the server has it, real[] compared here otherwise.
    return postgresRetriever(pool, { embedder, vectors: embedder && await openPassageVectors(pool) });
  };
  beforeAll(async () => {
    database = await createTestDatabase('retriever');
  });
  afterAll(async () => {
    for (const p of pools) await p.end().catch(() => {});
    await database?.drop();
  });

  retrieverContract('postgres (full text)', () => fresh());
  retrieverContract('postgres (hybrid)', () => fresh(letters));

  it('finds nothing for a question that shares only one common word with the documents', async () => {
    const r = await fresh();
    await r.index({ accountId: 1, folderId: 1, documentId: 1, documentName: 'Deployment', text: 'Each deployment runs the tests first, then the migrations.' });
    await r.index({ accountId: 1, folderId: 1, documentId: 2, documentName: 'Releases', text: 'A release is tagged after its deployment succeeds.' });
    await r.index({ accountId: 1, folderId: 1, documentId: 3, documentName: 'Office', text: 'The office opens at eight and closes at six.' });
    expect(await r.retrieve({ accountId: 1, folderIds: [1], query: 'How do I rotate the deployment credentials in the vault?', limit: 3 })).toEqual([]);
    expect((await r.retrieve({ accountId: 1, folderIds: [1], query: 'When does the office open?', limit: 3 }))[0]?.documentId).toBe(3);
  });

  it('migrates once when two processes start together, apart from the store\'s own migrations', async () => {
    const [a, b] = await Promise.all([openPostgres(database.url, {}, RETRIEVER_MIGRATIONS), openPostgres(database.url, {}, RETRIEVER_MIGRATIONS)]);
    pools.push(a, b);
    const { rows } = await a.query<{ version: number }>('SELECT version FROM retriever_migrations');
    expect(rows.map((r) => r.version)).toEqual([1]);
  });

  it('compares vectors by pgvector exactly when the server has it', async () => {
    const pool = await openPostgres(database.url, {}, RETRIEVER_MIGRATIONS);
    pools.push(pool);
    expect((await openPassageVectors(pool)).method).toBe(pgvector ? 'pgvector' : 'real[]');
  });

  it('leaves out vectors of another length (written under another embedding model) instead of failing', async () => {
    const r = await fresh(letters);
    await r.index({ accountId: 1, folderId: 1, documentId: 1, documentName: 'Parking', text: 'Cars go to the basement.' });
    const pool = pools[pools.length - 1];
    const wider: Embedder = { embed: async (texts) => texts.map(() => Float32Array.from({ length: 30 }, () => 1)) };
    const other = postgresRetriever(pool, { embedder: wider, vectors: await openPassageVectors(pool) });
    // Found by its words alone; the 26-long vectors are not compared with a 30-long question.
    expect((await other.retrieve({ accountId: 1, folderIds: [1], query: 'qqq zzz', limit: 3 }))).toEqual([]);
    expect((await other.retrieve({ accountId: 1, folderIds: [1], query: 'basement', limit: 3 }))[0]?.documentId).toBe(1);
  });
});

describe.runIf(pgvector)('the PostgreSQL retriever with pgvector', () => {
  it('keeps every vector in pgvector\'s column too, those written before it was set up included', async () => {
    const database = await freshRetrieverDatabase('pgvector');
    const { pool } = database;
    try {
      const before = postgresRetriever(pool, { embedder: letters });
      await before.index({ accountId: 1, folderId: 1, documentId: 1, documentName: 'a', text: 'Invoices are paid within thirty days.' });
      const vectors = await openPassageVectors(pool);
      expect(vectors.method).toBe('pgvector');
      const after = postgresRetriever(pool, { embedder: letters, vectors });
      await after.index({ accountId: 1, folderId: 1, documentId: 2, documentName: 'b', text: 'The office cat sleeps on the printer.' });
      const { rows } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM retriever_passages WHERE embedding_vector IS NULL');
      expect(rows[0].n).toBe(0);
      expect((await after.retrieve({ accountId: 1, folderIds: [1], query: 'When are invoices paid?', limit: 1 }))[0]?.documentId).toBe(1);
    } finally {
      await database.close();
    }
  });
});
