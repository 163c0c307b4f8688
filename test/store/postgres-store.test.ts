import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/postgres/migrations.js';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/test-services.js';
import { runStoreContract } from './store-contract.js';

const available = await postgresAvailable();

describe.runIf(available)('PostgreSQL store', () => {
  let db: TestDatabase;
  let migrated = false;
  beforeAll(async () => {
    db = await createTestDatabase('store');
  });
  afterAll(async () => {
    await db?.drop();
  });

  // One database for the run; each test starts from empty tables (DELETE: TRUNCATE of every table costs far more here).
  runStoreContract('postgres', async () => {
    const store = await createPostgresStore(db.url, { maxConnections: 4 });
    if (migrated) {
      const { rows } = await store.pool.query<{ tablename: string }>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
      );
      await store.pool.query(rows.map((r) => `DELETE FROM "${r.tablename}";`).join(' '));
    }
    migrated = true;
    return store;
  });

  it('migrates once when several processes start together', async () => {
    const fresh = await createTestDatabase('migrate');
    try {
      // Separate pools are separate sessions, as separate processes would be.
      const stores = await Promise.all([1, 2, 3, 4].map(() => createPostgresStore(fresh.url, { maxConnections: 1 })));
      const { rows } = await stores[0].pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
      await Promise.all(stores.map((s) => s.close()));
      const again = await createPostgresStore(fresh.url);
      expect((await again.pool.query('SELECT * FROM schema_migrations')).rowCount).toBe(migrations.length);
      await again.close();
    } finally {
      await fresh.drop();
    }
  });

  it('numbers its migrations 1, 2, 3… without gaps or repeats', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('keeps the 30-day quota exact under parallel sends from several processes', async () => {
    const stores: PostgresStore[] = await Promise.all([1, 2, 3].map(() => createPostgresStore(db.url, { maxConnections: 5 })));
    try {
      const [first] = stores;
      const account = await first.accounts.create({ name: 'q', plan: 'custom', messageLimit: 25, createdAt: 1 });
      const bot = await first.bots.create(account.id, { name: 'b', model: null, systemPrompt: null, temperature: null, maxReplyTokens: null }, 1);
      const conversation = await first.conversations.create(account.id, { name: 'c', botId: bot.id }, 1);
      const now = Date.now();
      const sends = Array.from({ length: 60 }, (_, i) => stores[i % stores.length].messages.send({
        accountId: account.id, conversationId: conversation.id, content: `m${i}`, createdAt: now, messageLimit: 25,
      }));
      const results = await Promise.all(sends);
      expect(results.filter(Boolean)).toHaveLength(25);
      expect(await first.messages.countInWindow(account.id, now)).toBe(25);
      const stored = await first.messages.list(account.id, { conversationId: conversation.id }, { limit: 1000, offset: 0 });
      expect(stored.total).toBe(50);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('gives each queued import to exactly one of several competing workers', async () => {
    const stores: PostgresStore[] = await Promise.all([1, 2, 3].map(() => createPostgresStore(db.url, { maxConnections: 4 })));
    try {
      const [first] = stores;
      const account = await first.accounts.create({ name: 'i', plan: null, messageLimit: null, createdAt: 1 });
      const folder = await first.folders.create(account.id, 'f', 1);
      for (let i = 0; i < 20; i++) {
        await first.documents.createWithImport(account.id, { folderId: folder.id, name: `d${i}`, source: 'text', sourceUrl: null },
          { kind: 'text', content: `t${i}` }, 1);
      }
      const claims = await Promise.all(Array.from({ length: 36 }, (_, i) => stores[i % 3].importJobs.claimNext(2)));
      const claimed = claims.filter((j) => j !== undefined).map((j) => j!.documentId);
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed).size).toBe(20);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('refuses to start on a database it cannot reach, saying so', async () => {
    const url = new URL(db.url);
    url.pathname = '/parley_no_such_database_here';
    await expect(createPostgresStore(url.toString())).rejects.toThrow(/parley_no_such_database_here/);
  });
});

// The pg import keeps the driver resolvable from the tests' side too (structural interfaces elsewhere).
void pg;
