import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, readSse } from '../support/sse-reader.js';
import { bannerKey, ensureBuilt, runCli, serve, type Served } from '../support/run-cli.js';
import { request } from '../support/start-parley.js';
import {
  createTestDatabase, postgresAvailable, redisAvailable, TEST_REDIS_URL, testKeyPrefix, type TestDatabase,
} from '../support/test-services.js';

// Both throw rather than answer false when CI or PARLEY_REQUIRE_SERVICES is set.
const redis = await redisAvailable();
const postgres = await postgresAvailable();

const folders: string[] = [];
const newFolder = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-roles-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Calls the API of a process with the key. */
const api = (server: Served, key: string) => (method: string, url: string, body?: unknown) =>
  request(`${server.url}/api/v1${url}`, method, body, { authorization: `Bearer ${key}` });

/** GETs each path of `server` and gives its status. */
const statuses = async (server: Served, paths: string[]) =>
  Object.fromEntries(await Promise.all(paths.map(async (p) => [p, (await fetch(`${server.url}${p}`)).status])));

describe('parley serve --role', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('refuses a role it does not know with the usage (exit 2), and a bad PARLEY_ROLE as configuration (exit 1)', () => {
    const dir = newFolder();
    const bad = runCli(['serve', '--role', 'reader'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role must be one of api, stream, worker, all (got "reader")');
    expect(bad.stderr).toContain('usage: parley serve [--role api|stream|worker|all]');
    const env = runCli(['serve'], dir, { PARLEY_ROLE: 'everything' });
    expect(env.status).toBe(1);
    expect(env.stderr).toContain('PARLEY_ROLE expects one of: api, stream, worker, all');
    const help = runCli(['serve', '--help'], dir);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--role (or PARLEY_ROLE; default all)');
  });

  /**
   * An api process and a stream process on one data folder (one SQLite file, one secret) and one
   * Redis: without REDIS_URL the reply would be only in the api process's memory, and the stream
   * process could only poll the store for it.
   */
  describe.runIf(redis)('an api process and a stream process', () => {
    let upstream: ScriptedOpenAi;
    let stream: Served;
    let front: Served;
    let key: string;

    beforeAll(async () => {
      upstream = await new ScriptedOpenAi().start();
      const dir = newFolder();
      const env = {
        LLM_MODEL: 'test-model', LLM_BASE_URL: upstream.baseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: testKeyPrefix('roles'),
      };
      // The stream process first: the api process's stream URLs point at its address.
      stream = await serve(dir, { ...env, PARLEY_ROLE: 'stream' });
      // The flag wins over PARLEY_ROLE, so that one environment file can serve every role.
      front = await serve(dir, { ...env, STREAM_PUBLIC_URL: stream.url, PARLEY_ROLE: 'stream' }, ['--role', 'api']);
      key = await bannerKey(front);
    }, 120_000);
    afterAll(async () => {
      await front?.stop();
      await stream?.stop();
      await upstream?.stop();
    });

    it('streams a reply sent to the api process from the stream process, which serves nothing else', async () => {
      upstream.fallback = { chunks: ['Served ', 'from the ', 'stream host.'], intervalMs: 30 };
      const call = api(front, key);
      const bots = await call('GET', '/bots');
      expect(bots.status).toBe(200);
      const conversation = await call('POST', '/conversations', { name: 'roles', bot_id: bots.json.data[0].id });
      expect(conversation.status).toBe(200);
      const sent = await call('POST', '/messages/stream', { content: 'hello', conversation_id: conversation.json.data.id, redirect: false });
      expect(sent.status).toBe(200);
      const streamUrl: string = sent.json.data.stream_url;
      expect(streamUrl.startsWith(`${stream.url}/stream/`)).toBe(true);
      const read = await readSse(streamUrl, { timeoutMs: 10_000 });
      expect(read.status).toBe(200);
      expect(assemble(read.events)).toBe('Served from the stream host.');
      expect(read.events.at(-1)?.data).toBe('[END]');

      const token = new URL(streamUrl).pathname;
      expect(await statuses(front, [token, '/healthz', '/readyz', '/metrics'])).toEqual({ [token]: 404, '/healthz': 200, '/readyz': 200, '/metrics': 200 });
      expect(await statuses(stream, ['/healthz', '/readyz', '/metrics', '/'])).toEqual({ '/healthz': 200, '/readyz': 200, '/metrics': 200, '/': 404 });
      const refused = await api(stream, key)('GET', '/bots');
      expect(refused.status).toBe(404);
      expect(refused.json).toMatchObject({ message: expect.any(String) });
      expect(stream.stdout()).toContain('"role":"stream"');
      expect(front.stdout()).toContain('"role":"api"');
    });
  });

  /**
   * A worker process on its own data folder beside an api process, both on one PostgreSQL database
   * with BLOB_STORE=postgres: the upload sent to the api process is read by the worker from there.
   */
  describe.runIf(postgres)('an api process and a worker process', () => {
    let db: TestDatabase;
    let front: Served;
    let worker: Served | undefined;
    let env: Record<string, string>;
    beforeAll(async () => {
      db = await createTestDatabase('roles');
      env = { DATABASE_URL: db.url, BLOB_STORE: 'postgres', PARLEY_SECRET: 'a-secret-shared-by-every-process-of-the-test' };
      front = await serve(newFolder(), env, ['--role', 'api']);
    }, 120_000);
    afterAll(async () => {
      await worker?.stop();
      await front?.stop();
      await db?.drop();
    });

    it('leaves imports to the worker, which imports a file uploaded through the api process', async () => {
      const call = api(front, await bannerKey(front));
      const folder = (await call('GET', '/folders')).json.data[0].id;
      const signed = await call('POST', '/uploads/signed-url', { file_name: 'notes.md', content_type: 'text/markdown' });
      expect(signed.status).toBe(200);
      const put = await fetch(signed.json.data.url, { method: 'PUT', body: '# Hours\n\nOpen from nine to five.', headers: { 'content-type': 'text/markdown' } });
      expect(put.status).toBe(200);
      const created = await call('POST', '/documents/file', { folder_id: folder, key: signed.json.data.key });
      expect(created.status).toBe(200);
      const doc = created.json.data.id;

      // Past the worker's poll (2 s): an api process claims no import job.
      await new Promise((r) => setTimeout(r, 2_500));
      expect((await call('GET', `/documents/${doc}`)).json.data.status).toBe('syncing');

      worker = await serve(newFolder(), env, ['--role', 'worker']);
      expect(await statuses(worker, ['/healthz', '/readyz', '/metrics', '/', '/api/v1/bots'])).toEqual(
        { '/healthz': 200, '/readyz': 200, '/metrics': 200, '/': 404, '/api/v1/bots': 404 });
      const until = Date.now() + 15_000;
      let status = 'syncing';
      while (status === 'syncing' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await call('GET', `/documents/${doc}`)).json.data.status;
      }
      expect(status).toBe('synced');
      expect((await call('GET', `/documents/${doc}/content`)).text).toContain('Open from nine to five.');
    }, 60_000);
  });
});
