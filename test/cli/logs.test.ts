import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { readSse } from '../support/sse-reader.js';
import { request } from '../support/start-parley.js';
import { bannerKey, ensureBuilt, serve, type Served } from '../support/run-cli.js';

interface Line { level: number; msg: string; reqId?: string; req?: { url?: string }; res?: { statusCode: number }; replyId?: unknown; err?: unknown }

/** The logs of a real `parley serve`, as an operator reads them. */
describe('logs', { timeout: 120_000 }, () => {
  let dataDir: string;
  let upstream: ScriptedOpenAi;
  let server: Served;
  const lines = () => server.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-logs-'));
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['fine'] };
    upstream.scripts.set('fail', { status: 503, body: '{"error":{"message":"overloaded"}}' });
    server = await serve(dataDir, { LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', LLM_MAX_RETRIES: '0' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has one line per request, quiet health checks, public ids, and a failed reply as a warning without a stack', async () => {
    const key = await bannerKey(server);
    const api = (method: string, p: string, body?: unknown) => request(`${server.url}/api/v1${p}`, method, body, { authorization: `Bearer ${key}` });
    for (let i = 0; i < 3; i++) await request(`${server.url}/healthz`, 'GET');
    const bot = (await api('GET', '/bots')).json.data[0].id;
    const conversation = (await api('POST', '/conversations', { name: 'logs', bot_id: bot })).json.data.id;
    const sent = await api('POST', '/messages/stream', { content: 'fine', conversation_id: conversation, redirect: false });
    await readSse(sent.json.data.stream_url);
    const failed = await api('POST', '/messages', { content: 'fail', conversation_id: conversation });
    expect(failed.status).toBe(500);
    await expect.poll(() => lines().filter((l) => l.msg === 'request').length, { timeout: 5000 }).toBeGreaterThanOrEqual(5);

    const requests = lines().filter((l) => l.msg === 'request');
    // One line each: the bots list, and the stream URL (its token redacted), with status and request id.
    expect(requests.filter((l) => l.req?.url === '/api/v1/bots')).toHaveLength(1);
    expect(requests.find((l) => l.req?.url === '/api/v1/bots')).toMatchObject({ res: { statusCode: 200 }, reqId: expect.any(String) });
    expect(requests.filter((l) => l.req?.url === '/stream/[redacted]')).toHaveLength(1);
    expect(lines().some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
    expect(requests.some((l) => l.req?.url === '/healthz')).toBe(false);

    const warning = lines().find((l) => l.msg === 'reply failed');
    expect(warning).toMatchObject({ level: 40 });
    expect(warning).not.toHaveProperty('err');
    // The reply's id as the API shows it, not the store's number.
    const listed = await api('GET', `/messages?conversation_id=${conversation}`);
    expect(warning!.replyId).toBe(listed.json.data[0].id);
    expect(typeof warning!.replyId).toBe('string');
  });
});
