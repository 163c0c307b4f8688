import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { listMessages, newConversation, readSse, startStream } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

const QUOTA_BODY = {
  message: 'You have reached the message limit for last 30 days, please wait till tomorrow or upgrade your plan.',
};

describe('the 30-day message quota', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;

  useScriptedChat({
    env: { LLM_MODEL: 'm', LLM_MAX_RETRIES: '0' },
    script: (u) => {
      u.fallback = { chunks: ['ok'] };
      u.scripts.set('fail', { status: 500, body: '{"error":{"message":"down"}}' });
    },
  }, (chat) => ({ upstream, parley } = chat));

  const send = (t: Tenant, conversationId: string, content: string, endpoint: 'stream' | 'blocking') =>
    endpoint === 'stream'
      ? t.api('POST', '/messages/stream', { content, conversation_id: conversationId, redirect: false })
      : t.api('POST', '/messages', { content, conversation_id: conversationId });

  it('accepts exactly the messages left among 50 parallel sends, on both endpoints; the rest get 402 and leave no trace', async () => {
    const t = await parley.tenant({ messageLimit: 12 });
    const conversationId = await newConversation(t);
    expect((await send(t, conversationId, 'used 1', 'blocking')).status).toBe(200);
    expect((await send(t, conversationId, 'used 2', 'stream')).status).toBe(200);

    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      send(t, conversationId, `parallel ${i}`, i % 2 ? 'stream' : 'blocking').then((r) => ({ i, r }))));
    const accepted = results.filter(({ r }) => r.status === 200);
    const refused = results.filter(({ r }) => r.status === 402);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const { r } of refused) {
      expect(r.json).toEqual(QUOTA_BODY);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    }

    // Let the accepted streams finish, then look at what was stored.
    await Promise.all(accepted.filter(({ r }) => r.json.data.stream_url).map(({ r }) => readSse(r.json.data.stream_url)));
    const stored = await listMessages(t, conversationId);
    const userContents = stored.filter((m) => !m.machine).map((m) => m.content);
    expect(stored).toHaveLength(24);
    expect(new Set(userContents)).toEqual(new Set(['used 1', 'used 2', ...accepted.map(({ i }) => `parallel ${i}`)]));
    expect(await parley.app.store.messages.countInWindow(t.account.id, Date.now())).toBe(12);
  });

  it('answers 402 on /messages/stream with redirect true too, not a redirect', async () => {
    const t = await parley.tenant({ messageLimit: 0 });
    const conversationId = await newConversation(t);
    const r = await t.api('POST', '/messages/stream', { content: 'hi', conversation_id: conversationId });
    expect(r.status).toBe(402);
    expect(r.headers.get('location')).toBeNull();
    expect(r.json).toEqual(QUOTA_BODY);
    expect(await listMessages(t, conversationId)).toEqual([]);
  });

  it('counts both endpoints against one limit', async () => {
    const t = await parley.tenant({ messageLimit: 2 });
    const conversationId = await newConversation(t);
    expect((await send(t, conversationId, 'a', 'blocking')).status).toBe(200);
    expect((await send(t, conversationId, 'b', 'stream')).status).toBe(200);
    expect((await send(t, conversationId, 'c', 'blocking')).json).toEqual(QUOTA_BODY);
    expect((await send(t, conversationId, 'd', 'stream')).json).toEqual(QUOTA_BODY);
  });

  it('gives a failed reply its message back (POST /messages)', async () => {
    const t = await parley.tenant({ messageLimit: 1 });
    const conversationId = await newConversation(t);
    expect((await send(t, conversationId, 'fail', 'blocking')).status).toBe(500);
    expect(await parley.app.store.messages.countInWindow(t.account.id, Date.now())).toBe(0);
    expect((await send(t, conversationId, 'works', 'blocking')).status).toBe(200);
    expect((await send(t, conversationId, 'over', 'blocking')).status).toBe(402);
  });

  it('gives a failed reply its message back (streamed)', async () => {
    const t = await parley.tenant({ messageLimit: 1 });
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'fail');
    const { events } = await readSse(url);
    expect(events.some((e) => e.event === 'failure')).toBe(true);
    expect((await send(t, conversationId, 'works', 'stream')).status).toBe(200);
    expect((await send(t, conversationId, 'over', 'stream')).status).toBe(402);
  });

  it('does not count refused or invalid requests', async () => {
    const t = await parley.tenant({ messageLimit: 1 });
    const conversationId = await newConversation(t);
    expect((await t.api('POST', '/messages/stream', { content: '', conversation_id: conversationId })).status).toBe(422);
    expect((await t.api('POST', '/messages', { content: 'x', conversation_id: 'nope' })).status).toBe(422);
    expect(await parley.app.store.messages.countInWindow(t.account.id, Date.now())).toBe(0);
    expect((await send(t, conversationId, 'counted', 'blocking')).status).toBe(200);
  });
});
