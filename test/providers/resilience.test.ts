import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedAnthropic } from '../support/scripted-anthropic.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, sendForStream } from '../support/sse-reader.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { modelsFile } from './provider-setup.js';


describe('retries, timeouts and fallback before the first token', () => {
  let openai: ScriptedOpenAi;
  let anthropic: ScriptedAnthropic;
  let parley: RunningParley;
  let t: Tenant;
  let conv: string;

  beforeAll(async () => {
    openai = await new ScriptedOpenAi().start();
    anthropic = await new ScriptedAnthropic().start();
    const file = modelsFile({
      default: 'primary',
      providers: {
        scripted: { type: 'openai', base_url: openai.baseUrl },
        claude: { type: 'anthropic', base_url: anthropic.baseUrl, api_key: 'k' },
      },
      models: {
        primary: { provider: 'scripted', model: 'gpt-scripted', fallback: 'backup' },
        backup: { provider: 'claude', model: 'claude-scripted' },
      },
    });
    parley = await startParley({
      PARLEY_MODELS: file, LLM_FIRST_TOKEN_TIMEOUT: '400ms', LLM_IDLE_TIMEOUT: '400ms', LLM_TIMEOUT: '5s',
      LLM_MAX_RETRIES: '3', LLM_RETRY_MAX_WAIT: '3s',
    });
    t = await parley.tenant();
    conv = await newConversation(t);
  });
  afterAll(async () => {
    await parley.stop();
    await openai.stop();
    await anthropic.stop();
  });

  const send = (content: string) => t.api('POST', '/messages', { content, conversation_id: conv });
  const requestsFor = (content: string) =>
    openai.requests.filter((r) => r.body.messages.at(-1)?.content === content).length;

  it('retries a 429, honouring Retry-After, then answers', async () => {
    openai.scripts.set('rate limited', [
      { status: 429, headers: { 'retry-after': '1' } },
      { chunks: ['after ', 'waiting'] },
    ]);
    const started = Date.now();
    const r = await send('rate limited');
    expect(r.status).toBe(200);
    expect(r.json.data.content).toBe('after waiting');
    expect(requestsFor('rate limited')).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a 500 then answers', async () => {
    openai.scripts.set('flaky', [{ status: 500 }, { status: 502 }, { chunks: ['fine'] }]);
    const r = await send('flaky');
    expect(r.json.data.content).toBe('fine');
    expect(requestsFor('flaky')).toBe(3);
  });

  it('falls back to the other model when the first keeps failing, within the bounded wait', async () => {
    openai.scripts.set('always down', { status: 503 });
    anthropic.scripts.set('always down', { chunks: ['from ', 'the fallback'] });
    const r = await send('always down');
    expect(r.status).toBe(200);
    expect(r.json.data.content).toBe('from the fallback');
    expect(requestsFor('always down')).toBe(4); // the first try and three retries
    expect(anthropic.requests.at(-1)!.body.model).toBe('claude-scripted');
  });

  it('does not wait longer than Retry-After allows: a long Retry-After goes straight to the fallback', async () => {
    openai.scripts.set('come back later', { status: 429, headers: { 'retry-after': '60' } });
    anthropic.scripts.set('come back later', { chunks: ['fallback at once'] });
    const started = Date.now();
    const r = await send('come back later');
    expect(r.json.data.content).toBe('fallback at once');
    expect(requestsFor('come back later')).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('never retries once text has been streamed', async () => {
    openai.scripts.set('breaks midway', { chunks: ['part one ', 'part two '], failAfter: 2 });
    const { stream_url } = await sendForStream(t, conv, 'breaks midway');
    const read = await readSse(stream_url);
    expect(assemble(read.events)).toBe('part one part two ');
    expect(read.events.some((e) => e.event === 'failure')).toBe(true);
    expect(read.events.at(-1)!.data).toBe('[END]');
    expect(requestsFor('breaks midway')).toBe(1);
    expect(anthropic.requests.filter((r) => r.body.messages.at(-1)?.content === 'breaks midway')).toHaveLength(0);
  });

  it('gives up on a model that sends nothing in time and asks the fallback, closing the first request', async () => {
    openai.scripts.set('primary hangs', { chunks: ['too late'], firstDelayMs: 3000 });
    anthropic.scripts.set('primary hangs', { chunks: ['from ', 'the fallback'] });
    const started = Date.now();
    const r = await send('primary hangs');
    expect(r.status).toBe(200);
    expect(r.json.data.content).toBe('from the fallback');
    // Not retried: a model that said nothing for the whole timeout is not asked again.
    expect(requestsFor('primary hangs')).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    const upstream = openai.requests.find((q) => q.body.messages.at(-1)?.content === 'primary hangs')!;
    await upstream.closed;
  });

  it('ends a reply when every model is too slow to start, and closes the upstream requests', async () => {
    openai.scripts.set('slow start', { chunks: ['late'], firstDelayMs: 3000 });
    anthropic.scripts.set('slow start', { chunks: ['late too'], firstDelayMs: 3000 });
    const r = await send('slow start');
    expect(r.status).toBe(500);
    expect(r.json.message).toMatch(/sent nothing within 0.4 s/);
    const upstream = openai.requests.find((q) => q.body.messages.at(-1)?.content === 'slow start')!;
    await upstream.closed; // resolves only once Parley closed the connection
    // The fallback was asked once the first model timed out, and was given up in turn.
    const fallback = anthropic.requests.find((q) => q.body.messages.at(-1)?.content === 'slow start')!;
    await fallback.closed;
  });

  it('ends a reply whose model stalls between tokens, and closes the upstream request', async () => {
    openai.scripts.set('stalls', { chunks: ['a', 'b', 'c'], hangAfter: 2 });
    const r = await send('stalls');
    expect(r.status).toBe(500);
    expect(r.json.message).toMatch(/stopped sending for 0.4 s/);
    const upstream = openai.requests.find((q) => q.body.messages.at(-1)?.content === 'stalls')!;
    await upstream.closed;
    const list = await t.api('GET', `/messages?conversation_id=${conv}&per_page=100`);
    const stored = list.json.data[0];
    expect(stored.failed_responding).toBe(true);
  });
});
