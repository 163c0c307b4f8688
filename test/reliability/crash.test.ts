import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseParser } from '../../src/shared/sse-parser.js';
import { bannerKey, ensureBuilt, serve, type Served } from '../support/run-cli.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { request } from '../support/start-parley.js';
import { Failures, record, sized, sleep } from './support/figures.js';
import { rng } from './support/faulty-openai.js';
import { formEnv, type FormEnv } from './support/store-form.js';
import { openStoreReader } from './support/store-reader.js';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? sized(12, 55));
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);

/** The body of the last answer slowPut had, for failure messages. */
let lastPutAnswer = '';

/** A PUT whose body arrives in pieces over `ms`, so that a kill can land in the middle of it. */
function slowPut(url: string, contentType: string, pieces: number, ms: number): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const body = Buffer.alloc(4096, 'crash safe text. ');
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'PUT', agent: false,
      headers: { 'content-type': contentType, 'content-length': String(body.length * pieces) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        lastPutAnswer = text;
        resolve(res.statusCode ?? 0);
      });
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    let sent = 0;
    const tick = () => {
      if (req.destroyed) return;
      req.write(body);
      if (++sent < pieces) setTimeout(tick, ms / pieces);
      else req.end();
    };
    tick();
  });
}

describe(`crash safety: ${KILLS} SIGKILLs of a real Parley during sends, streams, imports and uploads (seed ${SEED})`, () => {
  let upstream: ScriptedOpenAi;
  let dataDir: string;
  let form: FormEnv;
  beforeAll(async () => {
    // On the form under test: SQLite in the data folder, or a PostgreSQL database of its own and Redis.
    form = await formEnv('crash');
    ensureBuilt();
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: Array.from({ length: 40 }, (_, i) => `word${i} `), intervalMs: 15, usage: { prompt_tokens: 5, completion_tokens: 40 } };
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-crash-'));
  }, 120_000);
  afterAll(async () => {
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await form?.cleanup();
  });

  it('opens cleanly after each kill, with nothing accepted lost, nothing in progress, quota counts matching, old URLs ending', async () => {
    const random = rng(SEED);
    const failures = new Failures();
    // A short lease: the killed process's replies are failed by the next one within it (issue 12), not at its start.
    // A short request timeout: a PUT cut off by a kill may be sent again once it has passed (see below).
    const env = { LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', LOG_LEVEL: 'info', SHUTDOWN_GRACE: '0s', WORK_LEASE: '1s',
      HTTP_REQUEST_TIMEOUT: '2s', ...form.env };
    let server: Served = await serve(dataDir, env);
    // The banner follows "Server listening" by a moment, maybe in another write.
    const key = await bannerKey(server);
    expect(key).toBeDefined();
    const auth = { authorization: `Bearer ${key}` };
    const api = (method: string, url: string, body?: unknown) => request(`${server.url}/api/v1${url}`, method, body, auth);
    const botId = (await api('GET', '/bots')).json.data[0].id as string;
    const conversation = (await api('POST', '/conversations', { name: 'crash', bot_id: botId })).json.data.id as string;
    const folder = (await api('POST', '/folders', { name: 'crash' })).json.data.id as string;

    const accepted = { replies: new Set<string>(), messages: new Set<string>(), documents: new Set<string>() };
    const streamUrls: string[] = [];
    const uploads: { url: string; key: string; put: boolean }[] = [];
    let kills = 0;

    const activity = async () => {
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 2; i++) {
        jobs.push(api('POST', '/messages', { content: `send ${kills}.${i}`, conversation_id: conversation }).then((r) => {
          if (r.status === 200) accepted.replies.add(r.json.data.id);
        }).catch(() => undefined));
        jobs.push(api('POST', '/messages/stream', { content: `stream ${kills}.${i}`, conversation_id: conversation, redirect: false }).then(async (r) => {
          if (r.status !== 200) return;
          accepted.messages.add(r.json.data.message_id);
          accepted.replies.add(r.json.data.reply_id);
          streamUrls.push(new URL(r.json.data.stream_url).pathname);
          await fetch(r.json.data.stream_url).then((s) => s.text()).catch(() => undefined);
        }).catch(() => undefined));
      }
      jobs.push(api('POST', '/documents', { name: `doc ${kills}`, folder_id: folder, content: `text ${kills} `.repeat(2000) }).then((r) => {
        if (r.status === 200) accepted.documents.add(r.json.data.id);
      }).catch(() => undefined));
      jobs.push(api('POST', '/uploads/signed-url', { file_name: `f${kills}.txt`, content_type: 'text/plain' }).then(async (r) => {
        if (r.status !== 200) return;
        const upload = { url: new URL(r.json.data.url).pathname, key: r.json.data.key as string, put: false };
        uploads.push(upload);
        upload.put = (await slowPut(`${server.url}${upload.url}`, 'text/plain', 20, 400 + random() * 800)) === 200;
        if (upload.put) {
          const imported = await api('POST', '/documents/file', { folder_id: folder, key: upload.key });
          if (imported.status === 200) accepted.documents.add(imported.json.data.id);
        }
      }).catch(() => undefined));
      return Promise.all(jobs);
    };

    const store = await openStoreReader(form.env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'parley.db')}`);
    for (kills = 0; kills < KILLS;) {
      void activity();
      await sleep(50 + random() * 1200);
      const exit = await server.stop('SIGKILL');
      kills++;
      failures.check(exit === null, () => `kill ${kills}: the process exited with ${exit}, not by the signal`);
      try {
        server = await serve(dataDir, env);
      } catch (e) {
        failures.add(`kill ${kills}: did not start again: ${(e as Error).message.slice(0, 300)}`);
        break;
      }
      const health = await request(`${server.url}/healthz`, 'GET');
      failures.check(health.status === 200, () => `kill ${kills}: /healthz ${health.status}`);
      const integrity = await store.integrity();
      failures.check(integrity === 'ok', () => `kill ${kills}: integrity_check ${integrity}`);
      // Nothing runs on the new process yet: what is in progress is the killed one's, failed within its lease.
      const inProgressNow = async () => Number(await store.value("SELECT count(*) FROM messages WHERE status = 'in_progress'"));
      let inProgress = await inProgressNow();
      for (const until = Date.now() + 3_000; inProgress > 0 && Date.now() < until; inProgress = await inProgressNow()) await sleep(50);
      failures.check(inProgress === 0, () => `kill ${kills}: ${inProgress} replies still in progress 3 s after the restart (the lease is 1 s)`);
      const counted = Number(await store.value('SELECT coalesce(sum(count), 0) FROM message_count_days'));
      const kept = Number(await store.value(`SELECT count(*) FROM messages u JOIN messages r ON r.reply_to = u.id
        WHERE u.machine = false AND r.status != 'failed'`));
      failures.check(counted === kept, () => `kill ${kills}: the quota counts ${counted} messages, ${kept} replies were not failed`);
    }

    // Everything accepted across all the kills is there, and ended.
    for (const id of [...accepted.replies, ...accepted.messages]) {
      const r = await api('GET', `/messages/${id}`);
      failures.check(r.status === 200, () => `accepted message ${id}: ${r.status} after the kills`);
    }
    for (const url of streamUrls) {
      // Every reply has ended by now, so each stream ends at once; one that stays open is a failure
      // to report, not a wait for the test's own timeout.
      const r = await fetch(`${server.url}${url}`, { signal: AbortSignal.timeout(15_000) })
        .then(async (res) => ({ status: res.status, text: await res.text() }))
        .catch((err: Error) => ({ status: 0, text: `(${err.name}: still open after 15 s)` }));
      const events = new SseParser().push(r.text + '\n\n');
      failures.check(r.status === 200 && events.at(-1)?.data === '[END]', () => `old stream URL ${url.slice(0, 40)}: ${r.status}, last event ${events.at(-1)?.data ?? r.text}`);
    }
    // An upload cut off by a kill can be sent again, once no PUT of the killed process can still be
    // running (HTTP_REQUEST_TIMEOUT after it began; until then its URL reads as used); every
    // upload that arrived can be imported.
    await sleep(2500);
    for (const upload of uploads) {
      if (!upload.put) {
        const status = await slowPut(`${server.url}${upload.url}`, 'text/plain', 2, 10);
        if (status !== 200) {
          const row = await store.row('SELECT put_at, size, used_at FROM uploads WHERE key = ?', upload.key);
          failures.add(`upload ${upload.key} cut off by a kill: its PUT again answers ${status} ${lastPutAnswer} (claimed ${row?.put_at === null ? 'never' : `${Date.now() - Number(row?.put_at)} ms ago`}, size ${row?.size})`);
        }
        if (status !== 200) continue;
        const imported = await api('POST', '/documents/file', { folder_id: folder, key: upload.key });
        failures.check(imported.status === 200, () => `upload ${upload.key} cut off by a kill: import ${imported.status} ${imported.text}`);
        if (imported.status === 200) accepted.documents.add(imported.json.data.id);
      }
    }
    // Imports resume after a restart and end, done or failed with a reason.
    let pending: string[] = [];
    for (let i = 0; i < 300; i++) {
      pending = [];
      for (const id of accepted.documents) {
        const r = await api('GET', `/documents/${id}`);
        if (r.status !== 200) failures.add(`accepted document ${id}: ${r.status} after the kills`);
        else if (!['synced', 'sync_failed'].includes(r.json.data.status)) pending.push(id);
      }
      if (pending.length === 0) break;
      await sleep(200);
    }
    failures.check(pending.length === 0, () => `${pending.length} documents still not imported after the kills`);
    await server.stop('SIGTERM');
    await store.close();

    record({
      suite: 'crash', kills, cases: accepted.replies.size + accepted.documents.size + uploads.length, failures: failures.count,
      notes: [`seed ${SEED}; ${accepted.replies.size} accepted replies, ${streamUrls.length} stream URLs, ${accepted.documents.size} documents, ${uploads.length} uploads (${uploads.filter((u) => !u.put).length} cut off)`, ...failures.sample()],
    });
    expect(failures.sample(20)).toEqual([]);
    expect(kills).toBe(KILLS);
  }, 1_800_000);
});
