import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation, readSse, startStream } from '../support/sse-reader.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/** One sample's value from Prometheus' text format (0 when the series is not there). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2]?.split(',') ?? [];
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  const scrape = async (headers: Record<string, string> = {}) => (await request(`${parley.url}/metrics`, 'GET', undefined, headers)).text;

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['Hi', ' there'] };
    upstream.scripts.set('stream me', { chunks: Array.from({ length: 20 }, (_, i) => `w${i} `), intervalMs: 100 });
    upstream.scripts.set('break', { status: 503, body: '{"error":{"message":"down"}}' });
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', LLM_MAX_RETRIES: '1', LLM_RETRY_MAX_WAIT: '1s' });
    t = await parley.tenant();
  });
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
  });

  it('is Prometheus text whose values move as messages are sent, streamed and refused', async () => {
    const before = await scrape();
    expect(before).toMatch(/^# HELP parley_http_requests_total/m);
    expect(sample(before, 'parley_replies_total', { outcome: 'failed' })).toBe(0);

    const conversation = await newConversation(t);
    expect((await t.api('POST', '/messages', { content: 'hello', conversation_id: conversation })).status).toBe(200);
    const reading = readSse(await startStream(t, conversation, 'stream me'));
    await expect.poll(async () => sample(await scrape(), 'parley_open_streams')).toBe(1);
    expect((await reading).ended).toBe(true);
    await expect.poll(async () => sample(await scrape(), 'parley_open_streams')).toBe(0);
    expect((await t.api('POST', '/messages', { content: 'break', conversation_id: conversation })).status).toBe(500);
    const limited = await parley.tenant({ messageLimit: 0 });
    expect((await limited.api('POST', '/messages', { content: 'x', conversation_id: await newConversation(limited) })).status).toBe(402);

    const after = await scrape();
    expect(sample(after, 'parley_replies_total', { outcome: 'done' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'parley_replies_total', { outcome: 'failed' })).toBe(1);
    // The 503 and its one retry: two failed attempts of the provider `openai`.
    expect(sample(after, 'parley_model_errors_total', { provider: 'openai' })).toBe(2);
    expect(sample(after, 'parley_quota_refusals_total')).toBe(1);
    expect(sample(after, 'parley_reply_first_chunk_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'parley_reply_duration_seconds_count', { outcome: 'done' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'parley_http_requests_total', { route: '/api/v1/messages', method: 'POST', status: '402' })).toBe(1);
    expect(sample(after, 'parley_http_requests_total', { route: '/stream/:token', method: 'GET', status: '200' })).toBe(1);
    // Route patterns, never ids or tokens, as label values.
    expect(after).not.toContain(conversation);
    expect(after).not.toMatch(/route="\/stream\/[A-Za-z0-9_-]{20,}/);
    expect(sample(after, 'parley_import_jobs', { state: 'queued' }) + sample(after, 'parley_import_jobs', { state: 'running' })).toBeGreaterThanOrEqual(0);
    expect(after).toMatch(/^parley_import_jobs\{state="queued"\} \d+$/m);
    expect(after).toMatch(/^parley_process_cpu_seconds_total /m);
  });

  it('wants the token when METRICS_TOKEN is set', async () => {
    const guarded = await startParley({ METRICS_TOKEN: 'a-metrics-token-of-some-length' });
    try {
      const none = await request(`${guarded.url}/metrics`, 'GET');
      expect(none.status).toBe(401);
      expect(none.json).toEqual({ message: 'Unauthenticated.' });
      expect((await request(`${guarded.url}/metrics`, 'GET', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
      const ok = await request(`${guarded.url}/metrics`, 'GET', undefined, { authorization: 'Bearer a-metrics-token-of-some-length' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    } finally {
      await guarded.stop();
    }
  });
});
