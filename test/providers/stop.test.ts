import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, readSse, sendForStream } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';


describe('POST /api/v1/messages/{id}/stop', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let conv: string;
  const slow = { chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), intervalMs: 100 };

  useScriptedChat({
    env: { LLM_MODEL: 'scripted' },
  }, (chat) => ({ upstream, parley, t, conversationId: conv } = chat));

  it('ends the stream promptly, closes the upstream request, and keeps exactly what was delivered', async () => {
    upstream.scripts.set('stop me', slow);
    const sent = await sendForStream(t, conv, 'stop me');
    let stopAt = 0;
    const reading = readSse(sent.stream_url, { timeoutMs: 15_000 });
    // Stop once a few chunks are out.
    const early = await readSse(sent.stream_url, {
      until: (events) => events.filter((e) => e.data.startsWith('{')).length >= 3,
    });
    expect(assemble(early.events).length).toBeGreaterThan(0);
    stopAt = Date.now();
    const stopped = await t.api('POST', `/messages/${sent.reply_id}/stop`);
    expect(stopped.status).toBe(200);
    const read = await reading;
    const endedAfter = Date.now() - stopAt;
    expect(read.ended).toBe(true);
    expect(read.events.at(-1)!.data).toBe('[END]');
    expect(endedAfter).toBeLessThan(1000);
    expect(read.events.some((e) => e.event === 'failure')).toBe(false);

    const upstreamRequest = upstream.requests.find((r) => r.body.messages.at(-1)?.content === 'stop me')!;
    await upstreamRequest.closed;

    const delivered = assemble(read.events);
    expect(delivered.length).toBeLessThan(slow.chunks.join('').length);
    const stored = await t.api('GET', `/messages/${sent.reply_id}?includes=usage`);
    expect(stored.json.data.content).toBe(delivered);
    expect(stored.json.data.failed_responding).toBe(false);
    expect(stopped.json.data.content).toBe(delivered);
    expect(stored.json.data.usage.estimated).toBe(true);
  });

  it('takes the id of the user message too, and is a no-op on a finished reply', async () => {
    upstream.scripts.set('quick one', { chunks: ['done'] });
    const sent = await sendForStream(t, conv, 'quick one');
    await readSse(sent.stream_url);
    const viaUser = await t.api('POST', `/messages/${sent.message_id}/stop`);
    expect(viaUser.status).toBe(200);
    expect(viaUser.json.data.id).toBe(sent.reply_id);
    expect(viaUser.json.data.content).toBe('done');
    const again = await t.api('POST', `/messages/${sent.reply_id}/stop`);
    expect(again.json.data.content).toBe('done');
  });

  it("is refused for another account's reply, which keeps going", async () => {
    upstream.scripts.set('not yours', { chunks: ['a ', 'b ', 'c'], intervalMs: 50 });
    const sent = await sendForStream(t, conv, 'not yours');
    const other = await parley.tenant();
    const r = await other.api('POST', `/messages/${sent.reply_id}/stop`);
    expect(r.status).toBe(404);
    const read = await readSse(sent.stream_url);
    expect(assemble(read.events)).toBe('a b c');
  });

  it('answers 404 for an unknown id', async () => {
    expect((await t.api('POST', '/messages/nope/stop')).status).toBe(404);
    expect((await t.api('POST', '/messages/UkLWZg9DAJx/stop')).status).toBe(404);
  });
});
