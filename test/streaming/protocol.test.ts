import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, settledReply, startStream } from '../support/sse-reader.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

describe('the stream URL protocol', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let conversationId: string;

  useScriptedChat({
    env: { LLM_MODEL: 'test-model', STREAM_KEEPALIVE: '50ms' },
    script: (u) => {
      u.scripts.set('slow', { chunks: ['late', ' reply'], firstDelayMs: 700, intervalMs: 300 });
    },
  }, (chat) => ({ upstream, parley, t, conversationId } = chat));

  it('sends exactly the seed protocol, with offsets as ids, usage as a named event and [END] with id "end"', async () => {
    const url = await startStream(t, conversationId, 'hello');
    const read = await readSse(url);
    expect(read.raw).toBe([
      'retry: 1000\ndata: [START]\n\n',
      'id: 5\ndata: {"chunk":"Hello"}\n\n',
      'id: 7\ndata: {"chunk":", "}\n\n',
      'id: 12\ndata: {"chunk":"world"}\n\n',
      'id: 13\ndata: {"chunk":"!"}\n\n',
      'event: usage\ndata: {"tokens":13,"credits":1,"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"estimated":false}\n\n',
      'id: end\ndata: [END]\n\n',
    ].join(''));
  });

  it('answers with the event-stream headers a proxy and a browser on any origin need', async () => {
    const url = await startStream(t, conversationId, 'headers');
    const read = await readSse(url, { lastEventId: undefined });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^text\/event-stream\b/);
    expect(read.headers.get('cache-control')).toMatch(/\bno-cache\b/);
    expect(read.headers.get('x-accel-buffering')).toBe('no');
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('lets a browser page on another origin open it (preflight allows Last-Event-ID)', async () => {
    const url = await startStream(t, conversationId, 'cors');
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/last-event-id/i);
  });

  it('answers 204 to a client that presents the id of [END], with CORS so the browser sees it', async () => {
    const url = await startStream(t, conversationId, 'done');
    const full = await readSse(url);
    expect(full.events.at(-1)).toEqual({ event: 'message', data: '[END]', id: 'end' });
    const again = await fetch(url, { headers: { 'last-event-id': 'end' } });
    expect(again.status).toBe(204);
    expect(await again.text()).toBe('');
    expect(again.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('stops an EventSource that never calls close(): it reconnects once with id "end", gets 204 and gives up', async () => {
    const url = await startStream(t, conversationId, 'careless client');
    const messages: string[] = [];
    const es = new EventSource(url);
    es.onmessage = (e) => messages.push(e.data);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still ${es.readyState} after 15 s`)), 15_000);
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) return;
        clearTimeout(timer);
        resolve();
      };
    });
    expect(messages.filter((m) => m === '[START]')).toHaveLength(1);
    expect(messages.filter((m) => m === '[END]')).toHaveLength(1);
    expect(messages.slice(1, -1).map((m) => JSON.parse(m).chunk).join('')).toBe('Hello, world!');
  });

  it('sends keep-alive comments while the model is slow, which onmessage never sees', async () => {
    const url = await startStream(t, conversationId, 'slow');
    const read = await readSse(url);
    const beforeFirstChunk = read.raw.slice(0, read.raw.indexOf('"chunk"'));
    expect(beforeFirstChunk).toContain(': keep-alive\n\n');
    expect(assemble(read.events)).toBe('late reply');
    expect(read.events.every((e) => e.data !== '' && !e.data.includes('keep-alive'))).toBe(true);
  });

  it('sends usage only as a named event, after the last chunk and before [END]', async () => {
    const url = await startStream(t, conversationId, 'hello again');
    const { events } = await readSse(url);
    const usage = events.findIndex((e) => e.event === 'usage');
    expect(usage).toBe(events.length - 2);
    expect(events.filter((e) => e.event !== 'message').map((e) => e.event)).toEqual(['usage']);
    const published = { tokens: 13, credits: 1, prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, estimated: false };
    expect(JSON.parse(events[usage].data)).toEqual(published);
    const stored = await settledReply(parley, t, conversationId);
    expect(stored.usage).toEqual(published);
  });

  it('ignores a Last-Event-ID that is not an offset it handed out (reads from the start, without [START])', async () => {
    const url = await startStream(t, conversationId, 'odd id');
    await settledReply(parley, t, conversationId);
    for (const id of ['abc', '-1', '1e3', '']) {
      const read = await readSse(url, { lastEventId: id });
      expect(read.status, id).toBe(200);
      expect(assemble(read.events), id).toBe('Hello, world!');
      expect(read.events.at(-1)?.data).toBe('[END]');
    }
  });

  it('puts the stream URL on STREAM_PUBLIC_URL, else PUBLIC_URL, else the address the client used', async () => {
    const token = /^[A-Za-z0-9_-]+$/;
    const base = async (env: Record<string, string>) => {
      const p = await startParley({ LLM_BASE_URL: upstream.baseUrl, ...env });
      try {
        const tenant = await p.tenant();
        const url = new URL(await startStream(tenant, await newConversation(tenant), 'where'));
        expect(url.pathname.split('/').pop()).toMatch(token);
        return { origin: url.origin, prefix: url.pathname.replace(/\/stream\/[^/]+$/, ''), own: p.url };
      } finally {
        await p.stop();
      }
    };
    expect(await base({ STREAM_PUBLIC_URL: 'https://stream.example.com', PUBLIC_URL: 'https://api.example.com' }))
      .toMatchObject({ origin: 'https://stream.example.com', prefix: '' });
    expect(await base({ PUBLIC_URL: 'https://api.example.com/parley/' }))
      .toMatchObject({ origin: 'https://api.example.com', prefix: '/parley' });
    const own = await base({});
    expect(own.origin).toBe(own.own);
  });

  it('needs no API key: the token is the capability', async () => {
    const url = await startStream(t, conversationId, 'no key');
    const r = await request(url, 'GET');
    expect(r.status).toBe(200);
    expect(r.text).toContain('data: [END]');
  });
});
