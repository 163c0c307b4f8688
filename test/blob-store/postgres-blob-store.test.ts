import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWholeBlob } from '../../src/blob-store/blob-store.js';
import { BLOB_MIGRATIONS } from '../../src/blob-store/postgres/blob-migrations.js';
import { createPostgresBlobStore, type PostgresBlobStore } from '../../src/blob-store/postgres/postgres-blob-store.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/test-services.js';
import { runBlobStoreContract } from './blob-store-contract.js';

// Throws rather than skipping when CI or PARLEY_REQUIRE_SERVICES is set.
const available = await postgresAvailable();

describe.runIf(available)('PostgreSQL blob store', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('blobs');
  });
  afterAll(async () => {
    await db?.drop();
  });

  runBlobStoreContract('postgres', () => createPostgresBlobStore(db.url));

  const counts = async (store: PostgresBlobStore) => {
    const { rows } = await store.pool.query<{ chunks: number; pending: number; blobs: number }>(
      `SELECT (SELECT count(*) FROM blob_chunks) AS chunks, (SELECT count(*) FROM blob_pending) AS pending,
              (SELECT count(*) FROM blobs) AS blobs`);
    return rows[0];
  };

  it('keeps no chunk of a put that fails, and none of a blob it deletes or replaces', async () => {
    const fresh = await createTestDatabase('blob_rows');
    const store = await createPostgresBlobStore(fresh.url);
    try {
      async function* failing() {
        yield randomBytes(2.5 * 1024 * 1024);
        throw new Error('gone');
      }
      await expect(store.put('k', failing(), { maxBytes: 10 * 1024 * 1024 })).rejects.toThrow('gone');
      expect(await counts(store)).toEqual({ chunks: 0, pending: 0, blobs: 0 });
      await store.put('k', (async function* () { yield randomBytes(3 * 1024 * 1024); })(), { maxBytes: 10 * 1024 * 1024 });
      expect(await counts(store)).toEqual({ chunks: 3, pending: 0, blobs: 1 });
      await store.put('k', (async function* () { yield Buffer.from('short'); })(), { maxBytes: 100 });
      expect(await counts(store)).toEqual({ chunks: 1, pending: 0, blobs: 1 });
      await store.delete('k');
      expect(await counts(store)).toEqual({ chunks: 0, pending: 0, blobs: 0 });
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it('clears what a put cut off by a crash left when its key is written again or deleted', async () => {
    const fresh = await createTestDatabase('blob_crash');
    const store = await createPostgresBlobStore(fresh.url);
    try {
      // What a process killed mid-put leaves: a pending id and some of its chunks, named by no key.
      const leave = async (key: string, id: number) => {
        await store.pool.query('INSERT INTO blob_pending (blob_id, key, started_at) VALUES ($1, $2, 1)', [id, key]);
        await store.pool.query(`INSERT INTO blob_chunks (blob_id, ordinal, data) VALUES ($1, 0, '\\x00'), ($1, 1, '\\x01')`, [id]);
      };
      await leave('crashed/a', 900_001);
      await leave('crashed/b', 900_002);
      expect(await store.read('crashed/a')).toBeUndefined();
      await store.put('crashed/a', (async function* () { yield Buffer.from('whole'); })(), { maxBytes: 100 });
      expect((await readWholeBlob(store, 'crashed/a'))?.toString()).toBe('whole');
      await store.delete('crashed/b');
      expect(await counts(store)).toEqual({ chunks: 1, pending: 0, blobs: 1 });
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it('is read by another process (another pool) as soon as the put returns', async () => {
    const writer = await createPostgresBlobStore(db.url, { maxConnections: 1 });
    const reader = await createPostgresBlobStore(db.url, { maxConnections: 1 });
    try {
      await writer.put('shared/doc', (async function* () { yield Buffer.from('for every process'); })(), { maxBytes: 100 });
      expect((await readWholeBlob(reader, 'shared/doc'))?.toString()).toBe('for every process');
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('migrates once when several processes start together, in its own version table', async () => {
    const fresh = await createTestDatabase('blob_migrate');
    try {
      const stores = await Promise.all([1, 2, 3].map(() => createPostgresBlobStore(fresh.url, { maxConnections: 1 })));
      const { rows } = await stores[0].pool.query<{ version: number }>('SELECT version FROM blob_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(BLOB_MIGRATIONS.migrations.map((m) => m.version));
      const { rows: tables } = await stores[0].pool.query<{ n: number }>(
        `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'schema_migrations'`);
      expect(tables[0].n).toBe(0);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('numbers its migrations 1, 2, 3… without gaps or repeats', () => {
    expect(BLOB_MIGRATIONS.migrations.map((m) => m.version)).toEqual(BLOB_MIGRATIONS.migrations.map((_, i) => i + 1));
  });
});
