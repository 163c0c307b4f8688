import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bannerKey, ensureBuilt, serve, type Served } from '../support/run-cli.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { readSse } from '../support/sse-reader.js';
import { request } from '../support/start-parley.js';

const SECRET = 'log-test-secret-' + 'z'.repeat(40);
const MODEL_KEY = 'sk-model-key-never-logged-0123456789';

/**
 * A whole run of a real `parley serve` at the default log level, through every kind of request
 * that carries a credential: its stdout and stderr must hold no API key, no model key, no secret,
 * and no stream or upload token (capability URLs are logged as `/stream/[redacted]`). The one
 * exception is the first-start banner, whose purpose is to show the first key once.
 */
describe('logs hold no credential', () => {
  let upstream: ScriptedOpenAi;
  let dataDir: string;
  let server: Served;
  beforeAll(async () => {
    ensureBuilt();
    upstream = await new ScriptedOpenAi().start();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-logs-'));
    server = await serve(dataDir, {
      LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', LLM_API_KEY: MODEL_KEY, PARLEY_SECRET: SECRET, LOG_LEVEL: 'trace',
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGTERM');
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after streams, resumes, redirects, uploads, imports and refusals', async () => {
    const key = await bannerKey(server);
    const auth = { authorization: `Bearer ${key}` };
    const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
      request(`${server.url}/api/v1${url}`, method, body, { ...auth, ...headers });
    const tokens: string[] = [];
    const botId = (await api('GET', '/bots')).json.data[0].id as string;
    const conv = (await api('POST', '/conversations', { name: 'logs', bot_id: botId })).json.data.id as string;

    const sent = await api('POST', '/messages/stream', { content: 'hi', conversation_id: conv, redirect: false });
    const url = sent.json.data.stream_url as string;
    tokens.push(url.split('/stream/')[1]);
    const read = await readSse(url);
    expect(read.ended).toBe(true);
    await readSse(url, { lastEventId: '3' });
    await fetch(url, { method: 'HEAD' });
    const redirected = await api('POST', '/messages/stream', { content: 'again', conversation_id: conv });
    expect(redirected.status).toBe(302);
    tokens.push(redirected.headers.get('location')!.split('/stream/')[1]);
    await readSse(redirected.headers.get('location')!);
    // A forged token, too: its text is as much a guess at a capability as a real one.
    const forged = `${tokens[0].slice(0, -4)}AAAA`;
    tokens.push(forged);
    expect((await fetch(`${server.url}/stream/${forged}`)).status).toBe(404);
    expect((await api('POST', '/messages', { content: 'blocking', conversation_id: conv })).status).toBe(200);

    const folder = (await api('POST', '/folders', { name: 'logs' })).json.data.id as string;
    const signed = (await api('POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'text/plain' })).json.data;
    tokens.push(signed.url.split('/uploads/')[1]);
    expect((await fetch(signed.url, { method: 'PUT', body: 'hello logs', headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    expect((await fetch(signed.url, { method: 'PUT', body: 'again', headers: { 'content-type': 'text/plain' } })).status).toBe(403);
    expect((await api('POST', '/documents/file', { folder_id: folder, key: signed.key })).status).toBe(200);

    // Refused keys are credentials too (a typo of a real one is nearly one).
    const wrongKey = `${key.slice(0, -3)}xyz`;
    expect((await request(`${server.url}/api/v1/bots`, 'GET', undefined, { authorization: `Bearer ${wrongKey}` })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    await server.stop('SIGTERM');

    // The banner is one write, between the "Server listening" line and the next log line.
    const stdout = server.stdout();
    expect(stdout).toContain('First start:');
    const lines = (stdout.replace(/\nFirst start:[\s\S]*?\n(?=\{)/, '\n') + server.stderr()).split('\n');
    expect(lines.length).toBeGreaterThan(20);
    const log = lines.join('\n');
    for (const [what, value] of [
      ['the API key', key], ['a refused API key', wrongKey], ['the secret', SECRET], ['the model key', MODEL_KEY],
      ...tokens.map((t, i) => [`capability token ${i}`, t]),
    ]) {
      expect(log.includes(value), `${what} is in the logs`).toBe(false);
    }
    expect(log).toContain('"url":"/stream/[redacted]"');
    expect(log).toContain('"url":"/uploads/[redacted]"');
  }, 60_000);
});
