import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { lastEventId, readSse } from '../support/sse-reader.js';
import { bannerKey, ensureBuilt, serve, type Served } from '../support/run-cli.js';
import { request } from '../support/start-parley.js';
import { createTestDatabase, postgresAvailable, redisAvailable, TEST_REDIS_URL, testKeyPrefix, type TestDatabase } from '../support/test-services.js';

const available = await redisAvailable();
const withPostgres = await postgresAvailable();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A deploy as operators run it: two real `parley serve` processes on one store (PostgreSQL when it
 * answers, else one SQLite folder) and one Redis, restarted one at a time (SIGTERM, start again)
 * under a steady load of sends and streams spread over whichever process is up, as a load
 * balancer would. No accepted message is lost and every stream ends with [END].
 */
describe.runIf(available)(`a rolling restart of two processes on ${withPostgres ? 'PostgreSQL' : 'SQLite'} and Redis`, () => {
  let upstream: ScriptedOpenAi;
  let dataDir: string;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  const procs: (Served | undefined)[] = [];

  beforeAll(async () => {
    ensureBuilt();
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: Array.from({ length: 12 }, (_, i) => `p${i} `), intervalMs: 40 };
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-rolling-'));
    database = withPostgres ? await createTestDatabase('rolling') : undefined;
    env = {
      LLM_MODEL: 'm', LLM_BASE_URL: upstream.baseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: testKeyPrefix('rolling'),
      WORK_LEASE: '1s', SHUTDOWN_GRACE: '3s', PARLEY_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'info',
      ...(database && { DATABASE_URL: database.url }),
    };
  }, 120_000);
  afterAll(async () => {
    for (const p of procs) await p?.stop('SIGKILL').catch(() => {});
    await upstream?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no accepted message and ends every stream, while each process is restarted in turn', async () => {
    procs[0] = await serve(dataDir, env);
    const key = await bannerKey(procs[0]);
    procs[1] = await serve(dataDir, env);
    const auth = { authorization: `Bearer ${key}` };
    const live = () => procs.filter((p): p is Served => p !== undefined);
    /** As a load balancer: the next live process, and the other one when it refuses (503) or is gone. */
    let turn = 0;
    async function call(method: string, p: string, body?: unknown) {
      for (let attempt = 0; attempt < 20; attempt++) {
        const up = live();
        const target = up[turn++ % Math.max(1, up.length)];
        if (target) {
          const r = await request(`${target.url}${p}`, method, body, auth).catch(() => undefined);
          if (r && r.status !== 503) return r;
        }
        await sleep(50);
      }
      throw new Error(`no process answered ${method} ${p}`);
    }
    const bot = (await call('GET', '/api/v1/bots')).json.data[0].id;
    const conversation = (await call('POST', '/api/v1/conversations', { name: 'rolling', bot_id: bot })).json.data.id;

    const accepted: { message: string; reply: string }[] = [];
    const unended: string[] = [];
    let running = true;
    async function client() {
      while (running) {
        const sent = await call('POST', '/api/v1/messages/stream', { content: 'go', conversation_id: conversation, redirect: false });
        if (sent.status !== 200) continue;
        accepted.push({ message: sent.json.data.message_id, reply: sent.json.data.reply_id });
        const streamPath = new URL(sent.json.data.stream_url).pathname;
        let last: string | undefined;
        let ended = false;
        for (let attempt = 0; attempt < 40 && !ended; attempt++) {
          const up = live();
          const target = up[turn++ % Math.max(1, up.length)];
          if (!target) {
            await sleep(50);
            continue;
          }
          const read = await readSse(`${target.url}${streamPath}`, { lastEventId: last, timeoutMs: 15_000 }).catch(() => undefined);
          if (read?.status === 204 || (read?.ended && read.events.at(-1)?.data === '[END]')) ended = true;
          else if (read) last = lastEventId(read.events) ?? last;
        }
        if (!ended) unended.push(streamPath);
      }
    }
    const clients = Array.from({ length: 4 }, () => client());

    for (const i of [0, 1]) {
      await sleep(1_500);
      const exit = await procs[i]!.stop('SIGTERM');
      expect(exit).toBe(0);
      procs[i] = undefined;
      procs[i] = await serve(dataDir, env);
    }
    await sleep(1_500);
    running = false;
    await Promise.all(clients);

    expect(accepted.length).toBeGreaterThan(10);
    expect(unended).toEqual([]);
    for (const { message, reply } of accepted) {
      expect((await call('GET', `/api/v1/messages/${message}`)).status, message).toBe(200);
      const stored = await call('GET', `/api/v1/messages/${reply}`);
      expect(stored.status).toBe(200);
      // Done, or failed with a reason by the shutdown's grace period: never left in progress.
      expect(stored.json.data.content.length, reply).toBeGreaterThan(0);
    }
  }, 180_000);
});
