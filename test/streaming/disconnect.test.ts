import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, settledReply, startStream } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

const CHUNKS = Array.from({ length: 30 }, (_, i) => `part ${i}; `);
const REPLY = CHUNKS.join('');

describe('a client that leaves mid-reply', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;

  useScriptedChat({
    env: { LLM_MODEL: 'test-model' },
    script: (u) => {
      u.fallback = { chunks: CHUNKS, intervalMs: 20 };
    },
  }, (chat) => ({ upstream, parley, t } = chat));

  it('does not stop the generation: the whole reply is stored, and the same URL replays it', async () => {
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'leave early');
    const early = await readSse(url, { until: (events) => assemble(events).length > 0 });
    expect(early.ended).toBe(false);
    expect(REPLY.startsWith(assemble(early.events))).toBe(true);
    expect(assemble(early.events).length).toBeLessThan(REPLY.length);

    const stored = await settledReply(parley, t, conversationId);
    expect(stored.failed_responding).toBe(false);
    // Made by one upstream request, answered to the end although the reader had left.
    expect(stored.content).toBe(REPLY);
    expect(upstream.requests.filter((r) => r.body.messages.at(-1)?.content === 'leave early')).toHaveLength(1);

    const replay = await readSse(url);
    expect(replay.events[0].data).toBe('[START]');
    expect(assemble(replay.events)).toBe(REPLY);
    expect(replay.events[replay.events.length - 1].data).toBe('[END]');
  });

  it('lets every reader of one URL go at its own pace: some leave, the others get everything', async () => {
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'many readers');
    const leavers = Array.from({ length: 5 }, (_, i) =>
      readSse(url, { until: (events) => assemble(events).length > i * 10 }));
    const stayers = Array.from({ length: 5 }, () => readSse(url));
    await Promise.all(leavers);
    for (const read of await Promise.all(stayers)) {
      expect(read.ended).toBe(true);
      expect(assemble(read.events)).toBe(REPLY);
    }
    expect((await settledReply(parley, t, conversationId)).content).toBe(REPLY);
  });

  it('keeps serving others after a client vanished without reading (socket destroyed)', async () => {
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'vanish');
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    expect(res.status).toBe(200);
    controller.abort();
    const read = await readSse(url);
    expect(assemble(read.events)).toBe(REPLY);
  });
});
