import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../store/sqlite/sqlite-database.js';
import { retrieverContract } from '../../../test/retriever/retriever-contract.js';
import { sqliteRetriever } from './sqlite-retriever.js';
import { lettersEmbedder as letters } from '../../../test/retriever/letters-embedder.js';

retrieverContract('sqlite (full text)', async () => sqliteRetriever(openSqlite(':memory:')));

retrieverContract('sqlite (hybrid)', async () => sqliteRetriever(openSqlite(':memory:'), { embedder: letters }));

describe('sqliteRetriever relevance floor', () => {
  const docs = async (r: ReturnType<typeof sqliteRetriever>) => {
    await r.index({ accountId: 1, folderId: 1, documentId: 1, documentName: 'Deployment', text: 'Each deployment runs the tests first, then the migrations.' });
    await r.index({ accountId: 1, folderId: 1, documentId: 2, documentName: 'Releases', text: 'A release is tagged after its deployment succeeds.' });
    await r.index({ accountId: 1, folderId: 1, documentId: 3, documentName: 'Office', text: 'The office opens at eight and closes at six.' });
  };

  it('finds nothing for a question that shares only one common word with the documents', async () => {
    const r = sqliteRetriever(openSqlite(':memory:'));
    await docs(r);
    expect(await r.retrieve({ accountId: 1, folderIds: [1], query: 'How do I roll back a Kubernetes deployment with Helm?', limit: 3 })).toEqual([]);
    expect((await r.retrieve({ accountId: 1, folderIds: [1], query: 'What runs before each deployment?', limit: 3 }))[0].documentId).toBe(1);
  });

  it('lets any shared word through with a floor of 0', async () => {
    const r = sqliteRetriever(openSqlite(':memory:'), { minRelevance: 0 });
    await docs(r);
    const hits = await r.retrieve({ accountId: 1, folderIds: [1], query: 'How do I roll back a Kubernetes deployment with Helm?', limit: 3 });
    expect(hits.map((h) => h.documentId).sort()).toEqual([1, 2]);
  });
});

describe('sqliteRetriever in a large index', () => {
  it('drops terms too common to matter, but never every term', async () => {
    const r = sqliteRetriever(openSqlite(':memory:'));
    for (let d = 1; d <= 2100; d++) {
      const text = `Common everywhere text number ${d}.${d === 777 ? ' The needle is here.' : ''}`;
      await r.index({ accountId: 1, folderId: 1, documentId: d, documentName: `d${d}`, text });
    }
    const ask = (query: string) => r.retrieve({ accountId: 1, folderIds: [1], query, limit: 3 });
    expect((await ask('common needle'))[0].documentId).toBe(777);
    expect(await ask('common everywhere')).toHaveLength(3);
    expect(await ask('common')).toHaveLength(3);
  });
});
