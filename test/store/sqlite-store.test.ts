import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
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

describe('SQLite group commit', () => {
  it('commits the writes of one turn together; one that fails is undone alone', async () => {
    const store = createSqliteStore(path.join(dir, `group-${++n}.db`));
    const account = await store.accounts.create({ name: 'a', plan: null, messageLimit: 3, createdAt: 1 });
    const bot = await store.bots.create(account.id, { name: 'b', model: null, systemPrompt: null, temperature: null, maxReplyTokens: null }, 1);
    const conversation = await store.conversations.create(account.id, { name: 'c', botId: bot.id }, 1);
    const send = (conversationId: number) => store.messages.send({
      accountId: account.id, conversationId, content: 'hi', createdAt: Date.now(), messageLimit: 3,
    });
    // All in one turn: two good sends, one into a conversation that does not exist (a foreign-key
    // error), and two more good ones of which the quota of 3 lets only one through.
    const results = await Promise.allSettled([send(conversation.id), send(conversation.id), send(999_999), send(conversation.id), send(conversation.id)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : 'error'));
    expect(values.map((v) => (v === undefined ? 'over quota' : v === 'error' ? v : 'sent'))).toEqual(['sent', 'sent', 'error', 'sent', 'over quota']);
    expect(store.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(6);
    expect(await store.messages.countInWindow(account.id, Date.now())).toBe(3);
    await store.close();
  });

  it('commits what is queued when the store closes', async () => {
    const file = path.join(dir, `group-${++n}.db`);
    const store = createSqliteStore(file);
    const account = await store.accounts.create({ name: 'a', plan: null, messageLimit: null, createdAt: 1 });
    const bot = await store.bots.create(account.id, { name: 'b', model: null, systemPrompt: null, temperature: null, maxReplyTokens: null }, 1);
    const conversation = await store.conversations.create(account.id, { name: 'c', botId: bot.id }, 1);
    const sent = store.messages.send({ accountId: account.id, conversationId: conversation.id, content: 'kept', createdAt: 1, messageLimit: null });
    await store.close();
    expect(await sent).toBeDefined();
    const again = createSqliteStore(file);
    expect(again.db.prepare('SELECT content FROM messages ORDER BY id').pluck().all()).toEqual(['kept', '']);
    await again.close();
  });
});

describe('SQLite background checkpoints', () => {
  it('move committed pages into the database file from a worker thread, not inside commits', async () => {
    const file = path.join(dir, `checkpoints-${++n}.db`);
    const store = createSqliteStore(file, { backgroundCheckpoints: true });
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const account = await store.accounts.create({ name: 'a', plan: null, messageLimit: null, createdAt: 1 });
    const bot = await store.bots.create(account.id, { name: 'b', model: null, systemPrompt: null, temperature: null, maxReplyTokens: null }, 1);
    const conversation = await store.conversations.create(account.id, { name: 'c', botId: bot.id }, 1);
    const before = statSync(file).size;
    for (let i = 0; i < 300; i++) {
      await store.messages.send({ accountId: account.id, conversationId: conversation.id, content: 'x'.repeat(500), createdAt: 1, messageLimit: null });
    }
    // Nothing in this thread checkpoints now, yet the database file grows: the worker did it.
    const deadline = Date.now() + 5_000;
    while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(before + 100_000);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = createSqliteStore(file);
    expect(again.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(600);
    await again.close();
  });
});
