import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bannerKey, ensureBuilt, onlyJson, runCli, runCliAsync, serve, type Served } from '../support/run-cli.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { request } from '../support/start-parley.js';

const SECRET = 'backup-test-secret-'.padEnd(48, 'q');

/** Everything an account can read through the API, for comparing two servers. */
async function snapshot(url: string, key: string) {
  const get = async (p: string) => (await request(`${url}/api/v1${p}`, 'GET', undefined, { authorization: `Bearer ${key}` })).json;
  const conversations = (await get('/conversations?per_page=100')).data;
  const messages = [];
  for (const c of conversations) {
    for (let page = 1; ; page++) {
      const listed = await get(`/messages?conversation_id=${c.id}&per_page=100&page=${page}&includes=usage`);
      messages.push(...listed.data);
      if (!listed.meta.pagination.next_page) break;
    }
  }
  return { bots: (await get('/bots')).data, conversations, messages, folders: (await get('/folders')).data, documents: (await get('/documents?per_page=100')).data };
}

describe('parley backup and restore (SQLite)', () => {
  let upstream: ScriptedOpenAi;
  let dataDir: string;
  let server: Served;
  let key: string;
  // One PUBLIC_URL for both servers, so that the URLs in answers compare equal.
  const env = () => ({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', PARLEY_SECRET: SECRET, PUBLIC_URL: 'http://parley.test' });
  const api = (method: string, p: string, body?: unknown) =>
    request(`${server.url}/api/v1${p}`, method, body, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    ensureBuilt();
    upstream = await new ScriptedOpenAi().start();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-backup-'));
    server = await serve(dataDir, env());
    key = await bannerKey(server);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies a running server consistently, and the copy restored elsewhere serves the same data', async () => {
    const botId = (await api('GET', '/bots')).json.data[0].id;
    const conv = (await api('POST', '/conversations', { name: 'kept', bot_id: botId })).json.data.id;
    for (let i = 0; i < 5; i++) expect((await api('POST', '/messages', { content: `before ${i}`, conversation_id: conv })).status).toBe(200);
    const folder = (await api('POST', '/folders', { name: 'docs' })).json.data.id;
    expect((await api('POST', '/documents', { folder_id: folder, name: 'guide', content: 'How to back up Parley.' })).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 300));
    const before = await snapshot(server.url, key);

    // Online: sends go on while the copy is taken.
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing; i++) await api('POST', '/messages', { content: `during ${i}`, conversation_id: conv });
    })();
    const file = path.join(dataDir, 'copies', 'parley-backup.db');
    const made = await runCliAsync(['backup', file, '--json'], dataDir, env());
    writing = false;
    await writes;
    const result = onlyJson(made);
    expect(result).toMatchObject({ backup: file, schema_version: expect.any(Number), accounts: 1 });
    expect(result.messages).toBeGreaterThanOrEqual(10);
    // No partial file is left beside it, and a backup never overwrites one.
    expect(readdirSync(path.dirname(file))).toEqual(['parley-backup.db']);
    const again = runCli(['backup', file], dataDir, env());
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/exists already/);

    // While the server runs, restoring over its store is refused, and the store is untouched.
    const refused = runCli(['restore', file], dataDir, env());
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/in use .*stop parley serve/);
    expect((await api('GET', '/bots')).status).toBe(200);

    // Restored into a fresh data folder, a new server shows what was there when the copy was taken.
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'parley-restored-'));
    try {
      const restored = onlyJson(runCli(['restore', file, '--json'], elsewhere, env()));
      expect(restored).toMatchObject({ restored: path.join(elsewhere, 'parley.db'), messages: result.messages });
      const second = await serve(elsewhere, env());
      try {
        // No first-start banner: the restored store has its account, and the same key works.
        expect(second.stdout()).not.toContain('First start');
        const after = await snapshot(second.url, key);
        expect(after.bots).toEqual(before.bots);
        expect(after.folders).toEqual(before.folders);
        expect(after.documents).toEqual(before.documents);
        expect(after.conversations).toEqual(before.conversations);
        // Every message there before the backup is there, unchanged; of those sent during it, the
        // copy has what was committed at its moment (a reply then in progress is failed by the new server).
        const byId = new Map(after.messages.map((m: { id: string }) => [m.id, m]));
        for (const m of before.messages) expect(byId.get(m.id)).toEqual(m);
        expect(after.messages.length).toBe(result.messages);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 90_000);

  it('restores over a stopped server\'s store, and refuses files that are not Parley backups', async () => {
    const file = path.join(dataDir, 'second.db');
    onlyJson(runCli(['backup', file, '--json'], dataDir, env()));
    const saved = await snapshot(server.url, key);
    await api('POST', '/folders', { name: 'made after the backup' });
    await server.stop();
    const garbage = path.join(dataDir, 'garbage.db');
    writeFileSync(garbage, 'not a database at all, just text');
    const bad = runCli(['restore', garbage], dataDir, env());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/garbage\.db/);
    expect(runCli(['restore', path.join(dataDir, 'missing.db')], dataDir, env()).status).toBe(1);
    expect(runCli(['restore'], dataDir, env()).status).toBe(2);

    onlyJson(runCli(['restore', file, '--json'], dataDir, env()));
    expect(existsSync(path.join(dataDir, 'parley.db-wal'))).toBe(false);
    server = await serve(dataDir, env());
    expect(await snapshot(server.url, key)).toEqual(saved);
  }, 90_000);

  it('points to pg_dump for PostgreSQL', () => {
    const r = runCli(['backup', path.join(dataDir, 'pg.dump')], dataDir, { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/parley' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pg_dump/);
    expect(r.stderr).not.toContain('u:p@');
  });
});
