import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicModel, ANTHROPIC_VERSION } from '../../src/chat-model/anthropic/anthropic-model.js';
import { ScriptedAnthropic, type AnthropicScript } from '../support/scripted-anthropic.js';
import { collect, expectWellFormed, runChatModelContract, textOf, type Scenario } from './chat-model-contract.js';
import { unreachablePort } from './unreachable-port.js';

function toScript(s: Scenario): AnthropicScript {
  switch (s.kind) {
    case 'text':
      return { chunks: s.chunks, inputTokens: s.promptTokens, outputTokens: s.completionTokens };
    case 'status':
      return {
        status: s.status, errorType: s.status === 429 ? 'rate_limit_error' : 'api_error', message: s.message,
        headers: s.retryAfterSeconds ? { 'retry-after': String(s.retryAfterSeconds) } : {},
      };
    case 'broken':
      return { chunks: s.chunksBefore, failAfter: s.chunksBefore.length };
    case 'slow':
      return { chunks: s.chunks, intervalMs: s.intervalMs };
    case 'hang':
      return { chunks: [...s.chunksBefore, 'never'], hangAfter: s.chunksBefore.length };
    case 'refusal':
      return { chunks: [], stopReason: 'refusal' };
  }
}

const server = new ScriptedAnthropic();
runChatModelContract('Anthropic Messages, scripted server', async () => {
  await server.start();
  return {
    model: anthropicModel({ baseUrl: server.baseUrl, apiKey: 'test-key', defaultModel: 'claude-scripted' }),
    scripted: {
      stage: (content, scenario) => server.scripts.set(content, toScript(scenario)),
      requestCount: () => server.requests.length,
      lastClosed: () => server.requests.at(-1)!.closed,
    },
  };
}, () => server.stop());

const realKey = process.env.ANTHROPIC_TEST_API_KEY;
// The real service's contract runs when a key is given; without it the suite is listed as skipped, with why.
describe.skipIf(!realKey)('real service — set ANTHROPIC_TEST_API_KEY (and ANTHROPIC_TEST_MODEL, ANTHROPIC_TEST_BASE_URL) to run', () => {
  runChatModelContract('Anthropic Messages, real service', async () => ({
    model: anthropicModel({ baseUrl: process.env.ANTHROPIC_TEST_BASE_URL ?? 'https://api.anthropic.com/v1', apiKey: realKey! }),
    modelName: process.env.ANTHROPIC_TEST_MODEL ?? 'claude-3-5-haiku-latest',
  }), async () => {});
});

describe('the Anthropic adapter, on the wire', () => {
  const upstream = new ScriptedAnthropic();
  const model = () => anthropicModel({ baseUrl: upstream.baseUrl, apiKey: 'test-key', defaultModel: 'claude-scripted' });
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());

  it('sends the key, the API version, the system prompt apart, max_tokens and only user/assistant turns', async () => {
    upstream.scripts.set('shape', { chunks: ['ok'] });
    await collect(model(), {
      temperature: 1.5, signal: new AbortController().signal,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'assistant', content: 'a reply the budget left first' },
        { role: 'user', content: 'earlier' },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: 'shape' },
      ],
    });
    const req = upstream.requests.at(-1)!;
    expect(req.headers['x-api-key']).toBe('test-key');
    expect(req.headers['anthropic-version']).toBe(ANTHROPIC_VERSION);
    expect(req.body).toEqual({
      model: 'claude-scripted', max_tokens: 1024, system: 'Be terse.', stream: true, temperature: 1,
      messages: [{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'answer' }, { role: 'user', content: 'shape' }],
    });
  });

  it('ends on an error event in the stream, retryable when the service is overloaded', async () => {
    upstream.scripts.set('overloaded', { chunks: ['part'], streamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const parts = await collect(model(), { messages: [{ role: 'user', content: 'overloaded' }], signal: new AbortController().signal });
    expect(textOf(parts)).toBe('part');
    const last = expectWellFormed(parts);
    if (last.type !== 'error') throw new Error('expected an error');
    expect(last.error.isRetryable).toBe(true);
    expect(last.error.message).toMatch(/Overloaded/);
  });

  it('treats 529 (overloaded) as retryable', async () => {
    upstream.scripts.set('529', { status: 529, errorType: 'overloaded_error' });
    const [part] = await collect(model(), { messages: [{ role: 'user', content: '529' }], signal: new AbortController().signal });
    expect(part.type === 'error' && part.error.isRetryable).toBe(true);
  });

  it('reports an unreachable server as a retryable error part', async () => {
    const down = anthropicModel({ baseUrl: `http://127.0.0.1:${await unreachablePort()}/v1` });
    const [part] = await collect(down, { messages: [{ role: 'user', content: 'hi' }], signal: new AbortController().signal });
    expect(part.type === 'error' && part.error.isRetryable).toBe(true);
  });
});
