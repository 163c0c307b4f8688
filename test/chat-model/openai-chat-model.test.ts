import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiCompatibleModel } from '../../src/chat-model/openai/openai-compatible-model.js';
import { ScriptedOpenAi, type Script } from '../support/scripted-openai.js';
import { collect, expectWellFormed, runChatModelContract, textOf, type Scenario } from './chat-model-contract.js';
import { unreachablePort } from './unreachable-port.js';

const API_KEY = 'sk-scripted-test-key';

function toScript(s: Scenario): Script {
  switch (s.kind) {
    case 'text':
      return { chunks: s.chunks, usage: { prompt_tokens: s.promptTokens, completion_tokens: s.completionTokens } };
    case 'status':
      return {
        status: s.status, body: JSON.stringify({ error: { message: s.message } }),
        headers: s.retryAfterSeconds ? { 'retry-after': String(s.retryAfterSeconds) } : {},
      };
    case 'broken':
      return { chunks: s.chunksBefore, failAfter: s.chunksBefore.length };
    case 'slow':
      return { chunks: s.chunks, intervalMs: s.intervalMs };
    case 'hang':
      return { chunks: [...s.chunksBefore, 'never'], hangAfter: s.chunksBefore.length };
    case 'refusal':
      return { chunks: [], finishReason: 'content_filter' };
  }
}

const server = new ScriptedOpenAi();
runChatModelContract('OpenAI-compatible, scripted server', async () => {
  await server.start();
  return {
    model: openAiCompatibleModel({ baseUrl: server.baseUrl, apiKey: API_KEY, defaultModel: 'default-model' }),
    scripted: {
      stage: (content, scenario) => server.scripts.set(content, toScript(scenario)),
      requestCount: () => server.requests.length,
      lastClosed: () => server.requests.at(-1)!.closed,
    },
  };
}, () => server.stop());

const real = { baseUrl: process.env.LLM_TEST_BASE_URL, apiKey: process.env.LLM_TEST_API_KEY, model: process.env.LLM_TEST_MODEL };
// The real endpoint's contract runs when one is named; without it the suite is listed as skipped, with why.
describe.skipIf(!real.baseUrl)('real endpoint — set LLM_TEST_BASE_URL (and LLM_TEST_API_KEY, LLM_TEST_MODEL) to run', () => {
  runChatModelContract(`OpenAI-compatible, real endpoint ${real.baseUrl}`, async () => ({
    model: openAiCompatibleModel({ baseUrl: real.baseUrl!, apiKey: real.apiKey, defaultModel: real.model }),
    modelName: real.model,
  }), async () => {});
});

describe('the OpenAI-compatible adapter, on the wire', () => {
  const upstream = new ScriptedOpenAi();
  const model = () => openAiCompatibleModel({ baseUrl: upstream.baseUrl, apiKey: API_KEY, defaultModel: 'default-model' });
  const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }], signal: new AbortController().signal });
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());

  it('sends model, messages, stream, temperature, max_tokens and the key', async () => {
    upstream.scripts.set('shape', { chunks: ['ok'] });
    await collect(model(), {
      model: 'bot-model', temperature: 0.3, maxTokens: 99, signal: new AbortController().signal,
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'shape' }],
    });
    const req = upstream.requests.at(-1)!;
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.body).toMatchObject({
      model: 'bot-model', stream: true, temperature: 0.3, max_tokens: 99,
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'shape' }],
    });
  });

  it('uses its default model when the request names none, accepts a trailing slash, sends no key when it has none', async () => {
    const bare = openAiCompatibleModel({ baseUrl: `${upstream.baseUrl}/`, defaultModel: 'default-model' });
    await collect(bare, ask('hi'));
    expect(upstream.requests.at(-1)!.body.model).toBe('default-model');
    expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('reads an error body that is not JSON', async () => {
    upstream.scripts.set('html', { status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } });
    const [part] = await collect(model(), ask('html'));
    expect(part.type === 'error' && part.error.message).toContain('502');
  });

  it('ends a stream holding garbage with an error part', async () => {
    upstream.scripts.set('garbage', { chunks: ['a'], garbage: 'not json at all' });
    const parts = await collect(model(), ask('garbage'));
    expect(textOf(parts)).toBe('a');
    expect(expectWellFormed(parts).type).toBe('error');
  });

  it('takes a stream without [DONE] as finished when it had a finish reason, and as broken when not', async () => {
    upstream.scripts.set('cut', { chunks: ['a'], noDone: true, finishReason: '' });
    expect(expectWellFormed(await collect(model(), ask('cut'))).type).toBe('error');
    upstream.scripts.set('no done', { chunks: ['a'], noDone: true });
    expect(expectWellFormed(await collect(model(), ask('no done')))).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('maps finish reasons', async () => {
    for (const [theirs, ours] of [['stop', 'stop'], ['length', 'length'], ['content_filter', 'content-filter'], ['tool_calls', 'other']]) {
      upstream.scripts.set(`finish ${theirs}`, { chunks: ['x'], finishReason: theirs });
      expect(expectWellFormed(await collect(model(), ask(`finish ${theirs}`)))).toMatchObject({ type: 'finish', finishReason: ours });
    }
  });

  it('reports an unreachable server as a retryable error part', async () => {
    const down = openAiCompatibleModel({ baseUrl: `http://127.0.0.1:${await unreachablePort()}/v1` });
    const parts = await collect(down, ask('hi'));
    expect(parts).toHaveLength(1);
    const [part] = parts;
    if (part.type !== 'error') throw new Error('expected an error');
    expect(part.error.isRetryable).toBe(true);
    expect(part.error.message).toMatch(/could not be reached/);
  });
});
