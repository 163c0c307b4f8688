import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PgPool } from '../../store/postgres/postgres-database.js';
import { retrieverContract } from '../../../test/retriever/retriever-contract.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../../test/support/test-services.js';
import type { Embedder } from '../embeddings/embedder.js';
import { lettersEmbedder as letters } from '../../../test/retriever/letters-embedder.js';
import { RETRIEVER_MIGRATIONS } from './retriever-migrations.js';
import { postgresRetriever } from './postgres-retriever.js';

const available = await postgresAvailable();


describe.runIf(available)('the PostgreSQL retriever', () => {
  let database: TestDatabase;
  const pools: PgPool[] = [];
  /** A fresh, empty passage table for each retriever: the contract's cases must not see each other's. */
  const fresh = async (embedder?: Embedder) => {
    const pool = await openPostgres(database.url, {}, RETRIEVER_MIGRATIONS);
    pools.push(pool);
    await pool.query('TRUNCATE retriever_passages');
    return postgresRetriever(pool, { embedder });
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
});
