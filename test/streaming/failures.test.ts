import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_FOUND } from '../../src/domain/extractive-answer.js';
import { ScriptedOpenAi, type Script } from '../support/scripted-openai.js';
import { assemble, listMessages, newConversation, readSse, seedView, settledReply, startStream } from '../support/sse-reader.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/** A sentence for a person: no stack trace, no error class name, no "[object …]". */
function expectReadable(text: unknown): void {
  expect(typeof text).toBe('string');
  expect(text as string).toMatch(/^[A-Z]/);
  expect((text as string).length).toBeGreaterThan(10);
  expect(text as string).not.toMatch(/\n\s+at |\[object |^\w*Error:|undefined/);
}

/** An address where nothing listens. */
async function deadBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}

/**
 * What a failed reply looks like from each side: the stream (what it had, the reason as a chunk
 * marked `failed` for chunk-only clients, `event: failure` with {"message"}, then [END]) and the
 * store (failed_responding, the error text as content).
 */
async function expectFailedStream(parley: RunningParley, t: Tenant, content: string, partial = '') {
  const conversationId = await newConversation(t);
  const url = await startStream(t, conversationId, content);
  const { events, ended } = await readSse(url, { timeoutMs: 20_000 });
  expect(ended).toBe(true);
  expect(events[0].data).toBe('[START]');
  expect(assemble(events)).toBe(partial);
  expect(events.some((e) => e.event === 'error')).toBe(false);
  const errors = events.filter((e) => e.event === 'failure');
  expect(errors).toHaveLength(1);
  const { message } = JSON.parse(errors[0].data) as { message: string };
  expectReadable(message);
  expect(events.at(-2)).toBe(errors[0]);
  // The seed's snippet, which only assembles chunks, shows what there was and then the reason.
  expect(seedView(events)).toBe(partial + message);
  expect(JSON.parse(events.at(-3)!.data)).toEqual({ chunk: message, failed: true });
  expect(events.at(-1)).toEqual({ event: 'message', data: '[END]', id: 'end' });

  const stored = await settledReply(parley, t, conversationId);
  expect(stored.machine).toBe(true);
  expect(stored.failed_responding).toBe(true);
  expect(stored.content).toBe(message);

  // Replayed later, the same URL tells the same failure.
  const replay = await readSse(url);
  expect(JSON.parse(replay.events.find((e) => e.event === 'failure')!.data)).toEqual({ message });
  expect(replay.events.at(-1)?.data).toBe('[END]');
  return message;
}

/** POST /messages for the same failure: 500 with a readable message, and the failed reply stored. */
async function expectFailedBlocking(t: Tenant, content: string) {
  const conversationId = await newConversation(t);
  const r = await t.api('POST', '/messages', { content, conversation_id: conversationId });
  expect(r.status).toBe(500);
  expect(Object.keys(r.json)).toEqual(['message']);
  expectReadable(r.json.message);
  const listed = await listMessages(t, conversationId);
  expect(listed).toHaveLength(2);
  expect(listed[0]).toMatchObject({ content, machine: false, failed_responding: false });
  expect(listed[1]).toMatchObject({ content: r.json.message, machine: true, failed_responding: true });
  return r.json.message as string;
}

describe('when the model fails', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  const scripts: Record<string, Script> = {
    'error 500': { status: 500, body: JSON.stringify({ error: { message: 'The engine is overloaded.' } }) },
    'error 401': { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided.' } }) },
    'fail mid-stream': { chunks: ['one ', 'two ', 'three'], failAfter: 2 },
    'hang mid-stream': { chunks: ['first ', 'never'], hangAfter: 1 },
    'hang at once': { chunks: ['never'], hangAfter: 0 },
    garbage: { chunks: ['fine ', 'so far '], garbage: '{this is not json' },
    'number text': { chunks: ['fine '], garbage: JSON.stringify({ choices: [{ index: 0, delta: { content: 42 } }] }) },
    'object text': { chunks: [], garbage: JSON.stringify({ choices: [{ index: 0, delta: { content: { text: 'x' } } }] }) },
    'choices not a list': { chunks: ['a'], garbage: JSON.stringify({ choices: 'many' }) },
    'no finish': { chunks: ['cut'], noDone: true, finishReason: '' },
  };

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    for (const [content, script] of Object.entries(scripts)) upstream.scripts.set(content, script);
    parley = await startParley({
      LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'test-model', LLM_TIMEOUT: '1s', LLM_MAX_RETRIES: '0',
    });
    t = await parley.tenant();
  });
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
  });

  it('an error status: the provider message reaches the stream, the store and POST /messages', async () => {
    expect(await expectFailedStream(parley, t, 'error 500')).toContain('The engine is overloaded.');
    expect(await expectFailedBlocking(t, 'error 500')).toContain('The engine is overloaded.');
    expect(await expectFailedStream(parley, t, 'error 401')).toContain('Incorrect API key provided.');
  });

  it('a stream that breaks mid-reply: the reader keeps what it had, then gets the error', async () => {
    await expectFailedStream(parley, t, 'fail mid-stream', 'one two ');
    await expectFailedBlocking(t, 'fail mid-stream');
  });

  it('a model that hangs is cut off by LLM_TIMEOUT, mid-reply or before its first token', async () => {
    expect(await expectFailedStream(parley, t, 'hang mid-stream', 'first ')).toMatch(/1 s/);
    expect(await expectFailedStream(parley, t, 'hang at once')).toMatch(/1 s/);
    await expectFailedBlocking(t, 'hang at once');
    // The hung upstream requests were closed, not left open.
    await Promise.all(upstream.requests.filter((r) => r.body.messages.at(-1)?.content.startsWith('hang')).map((r) => r.closed));
  });

  it('garbage in the stream', async () => {
    await expectFailedStream(parley, t, 'garbage', 'fine so far ');
    await expectFailedBlocking(t, 'garbage');
  });

  it('a chunk whose text is not a string is a malformed stream, not an internal error', async () => {
    expect(await expectFailedStream(parley, t, 'number text', 'fine ')).toMatch(/malformed/);
    expect(await expectFailedBlocking(t, 'object text')).toMatch(/malformed/);
    expect(await expectFailedStream(parley, t, 'choices not a list', 'a')).toMatch(/malformed/);
  });

  it('a reply whose outcome cannot be stored is stored as failed, and its stream still ends', async () => {
    const messages = parley.app.store.messages;
    const original = messages.finishReply.bind(messages);
    let thrown = 0;
    messages.finishReply = async (id, outcome) => {
      if (outcome.status === 'done' && thrown++ === 0) throw new Error('the disk is full');
      return original(id, outcome);
    };
    try {
      const conversationId = await newConversation(t);
      const r = await t.api('POST', '/messages', { content: 'cannot store', conversation_id: conversationId });
      expect(r.status).toBe(500);
      expectReadable(r.json.message);
      const listed = await listMessages(t, conversationId);
      expect(listed[1]).toMatchObject({ machine: true, failed_responding: true, content: r.json.message });
      const later = await readSse(await startStream(t, conversationId, 'now it stores'), { timeoutMs: 5000 });
      expect(later.ended).toBe(true);
    } finally {
      messages.finishReply = original;
    }
    expect(thrown).toBeGreaterThan(0);
  });

  it('a stream that ends without a finish reason or [DONE] is not a whole reply', async () => {
    await expectFailedStream(parley, t, 'no finish', 'cut');
  });

  it('an unreachable model', async () => {
    const offline = await startParley({ LLM_BASE_URL: await deadBaseUrl(), LLM_MODEL: 'm', LLM_MAX_RETRIES: '0' });
    try {
      const tenant = await offline.tenant();
      expect(await expectFailedStream(offline, tenant, 'anyone there?')).toMatch(/reach/i);
      expect(await expectFailedBlocking(tenant, 'anyone there?')).toMatch(/reach/i);
    } finally {
      await offline.stop();
    }
  });

  it('an unreachable model still fails cleanly after its retries', async () => {
    const offline = await startParley({ LLM_BASE_URL: await deadBaseUrl(), LLM_MODEL: 'm', LLM_RETRY_MAX_WAIT: '1s' });
    try {
      const tenant = await offline.tenant();
      await expectFailedBlocking(tenant, 'retry me');
    } finally {
      await offline.stop();
    }
  });

  it('no model configured: the server runs, and replies come from the knowledge base instead of failing', async () => {
    // Extractive mode (see test/knowledge/grounded-replies.test.ts): with nothing in the knowledge
    // base, the bot says so plainly.
    const bare = await startParley({});
    try {
      const tenant = await bare.tenant();
      const c = await tenant.api('POST', '/conversations', { name: 'no model', bot_id: tenant.botId });
      const r = await tenant.api('POST', '/messages', { content: 'hello?', conversation_id: c.json.data.id });
      expect(r.status).toBe(200);
      expect(r.json.data.failed_responding).toBe(false);
      expect(r.json.data.content).toBe(NOTHING_FOUND);
    } finally {
      await bare.stop();
    }
  });
});
