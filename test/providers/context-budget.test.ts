import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { countTokens, loadTokenizer } from '../../src/domain/token-count.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation } from '../support/sse-reader.js';
import { startParley, type RunningParley } from '../support/start-parley.js';
import { modelsFile } from './provider-setup.js';

describe('conversation context by tokens', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;

  beforeAll(async () => {
    await loadTokenizer();
    upstream = await new ScriptedOpenAi().start();
    parley = await startParley({
      PARLEY_MODELS: modelsFile({
        providers: { local: { type: 'openai', base_url: upstream.baseUrl } },
        models: { small: { provider: 'local', context_tokens: 400, max_reply_tokens: 100 } },
      }),
    });
  });
  afterAll(async () => {
    await parley.stop();
    await upstream.stop();
  });

  it('sends the newest earlier messages that fit, whole, with the system prompt and the new message', async () => {
    const t = await parley.tenant({ systemPrompt: 'You are terse.' });
    const conv = await newConversation(t);
    // Each exchange: a numbered question (about 20 tokens) and its echo as the answer.
    upstream.fallback = { chunks: ['ok'] };
    for (let i = 0; i < 30; i++) {
      const r = await t.api('POST', '/messages', { content: `question ${i} ` + 'lorem ipsum '.repeat(8), conversation_id: conv });
      expect(r.status).toBe(200);
    }
    upstream.scripts.set('fails', { status: 400 });
    await t.api('POST', '/messages', { content: 'fails', conversation_id: conv });
    await t.api('POST', '/messages', { content: 'the last one', conversation_id: conv });

    const sent = upstream.requests.at(-1)!.body.messages;
    expect(sent[0]).toEqual({ role: 'system', content: 'You are terse.' });
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'the last one' });
    // The failed reply is never sent back; its question is.
    expect(sent.filter((m) => m.role === 'assistant').every((m) => m.content === 'ok')).toBe(true);
    expect(sent.at(-2)).toEqual({ role: 'user', content: 'fails' });

    const tokens = sent.reduce((n, m) => n + 4 + countTokens(m.content), 3);
    expect(tokens).toBeLessThanOrEqual(400 - 100);
    // Newest first: the earlier messages are the tail of the history, and one more would not fit.
    const earlier = sent.slice(1, -1);
    expect(earlier.length).toBeGreaterThan(4);
    expect(earlier.length).toBeLessThan(60);
    // The message just older than the oldest one sent is the one that did not fit.
    const oldest = earlier[0];
    const firstQuestion = earlier.find((m) => m.role === 'user' && m.content.startsWith('question'))!;
    const n = Number(/question (\d+)/.exec(firstQuestion.content)![1]);
    expect(n).toBeGreaterThan(20);
    const older = oldest.role === 'user' ? 'ok' : `question ${n - 1} ` + 'lorem ipsum '.repeat(8);
    expect(tokens + 4 + countTokens(older)).toBeGreaterThan(400 - 100);
  });
});

describe('token counting never holds the event loop', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;

  beforeAll(async () => {
    await loadTokenizer();
    upstream = await new ScriptedOpenAi().start();
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted', LLM_CONTEXT_TOKENS: '1000000' });
  });
  afterAll(async () => {
    await parley.stop();
    await upstream.stop();
  });

  it('a 300,000-letter reply, counted and then sent back as history, stalls nothing', async () => {
    const t = await parley.tenant();
    const conv = await newConversation(t);
    // One run of letters: cl100k's worst case, one pre-token whose merge is quadratic in its length.
    upstream.scripts.set('long', { chunks: Array.from({ length: 300 }, () => 'a'.repeat(1000)) });
    upstream.scripts.set('emoji', { chunks: Array.from({ length: 100 }, () => 'é😀'.repeat(500)) });
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    let slowest = 0;
    const probe = setInterval(async () => {
      const started = performance.now();
      await fetch(`${parley.url}/healthz`).catch(() => undefined);
      slowest = Math.max(slowest, performance.now() - started);
    }, 20);
    try {
      for (const content of ['long', 'emoji', 'and the next one']) {
        const r = await t.api('POST', '/messages', { content, conversation_id: conv });
        expect(r.status).toBe(200);
      }
    } finally {
      clearInterval(probe);
      delay.disable();
    }
    // The history went back to the model whole (the context is large enough) and the counts are sane.
    expect(upstream.requests.at(-1)!.body.messages.some((m) => m.content.length === 300_000)).toBe(true);
    const listed = await t.api('GET', `/messages?conversation_id=${conv}&includes=usage&per_page=100`);
    const long = listed.json.data.find((m: { content: string }) => m.content.length === 300_000);
    expect(long.usage.completion_tokens).toBeGreaterThan(300_000 / 64);
    expect(long.usage.completion_tokens).toBeLessThan(300_000);
    console.log(`longest event-loop stall ${(delay.max / 1e6).toFixed(1)} ms, slowest /healthz ${slowest.toFixed(1)} ms`);
    // Generous bounds for a shared machine: before the fix one such reply froze the process for about 90 s.
    expect(delay.max / 1e6).toBeLessThan(400);
    expect(slowest).toBeLessThan(1000);
  }, 60_000);
});
