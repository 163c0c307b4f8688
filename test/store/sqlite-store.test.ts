import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStoreContract } from './store-contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'parley-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite', async () => createSqliteStore(path.join(dir, `store-${++n}.db`)));

describe('SQLite store', () => {
  it('creates its folder, uses WAL, and migrates once', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'parley.db');
    const store = createSqliteStore(file);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const versions = () => store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions()).toEqual(migrations.map((m) => m.version));
    const account = await store.accounts.create({ name: 'kept', plan: null, messageLimit: null, createdAt: 1 });
    await store.close();

    const again = createSqliteStore(file);
    expect(again.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(migrations.length);
    expect(await again.accounts.get(account.id)).toEqual(account);
    await again.close();
  });

  it('numbers its migrations 1, 2, 3… without gaps or repeats', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });
});
