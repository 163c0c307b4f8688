import { describe, expect, it } from 'vitest';
import { encodeId } from '../../src/transport/public-ids.js';
import { ensureBuilt, onlyJson, runCli } from '../support/run-cli.js';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation, readSse, sendForStream } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

describe('token usage', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let conv: string;

  useScriptedChat({
    env: { LLM_MODEL: 'scripted' },
  }, (chat) => ({ upstream, parley, t, conversationId: conv } = chat));

  it('sends the provider’s counts as event: usage and keeps them on the message', async () => {
    upstream.scripts.set('count me', { chunks: ['one', ' two'], usage: { prompt_tokens: 21, completion_tokens: 2 } });
    const sent = await sendForStream(t, conv, 'count me');
    const read = await readSse(sent.stream_url);
    const usage = read.events.find((e) => e.event === 'usage');
    // The published {tokens, credits}, Parley's own counts beside them.
    const shape = { tokens: 23, credits: 1, prompt_tokens: 21, completion_tokens: 2, total_tokens: 23, estimated: false };
    expect(JSON.parse(usage!.data)).toEqual(shape);
    const m = await t.api('GET', `/messages/${sent.reply_id}?includes=usage`);
    expect(m.json.data.usage).toEqual(shape);
    const list = await t.api('GET', `/messages?conversation_id=${conv}&includes=usage`);
    expect(list.json.data.find((x: { id: string }) => x.id === sent.reply_id).usage.total_tokens).toBe(23);
    // A user message has no usage: the field is left out, not null.
    expect(list.json.data.find((x: { id: string }) => x.id === sent.message_id)).not.toHaveProperty('usage');
    const plain = await t.api('GET', `/messages/${sent.reply_id}`);
    expect(plain.json.data.usage).toBeUndefined();
  });

  it('counts with a tokenizer, marked estimated, when the provider reports nothing', async () => {
    upstream.scripts.set('no usage', { chunks: ['Hello', ' world'] });
    const sent = await sendForStream(t, conv, 'no usage');
    const read = await readSse(sent.stream_url);
    const usage = JSON.parse(read.events.find((e) => e.event === 'usage')!.data);
    expect(usage.completion_tokens).toBe(2); // "Hello world" is two cl100k tokens
    expect(usage.prompt_tokens).toBeGreaterThan(3);
    const m = await t.api('GET', `/messages/${sent.reply_id}?includes=usage`);
    expect(m.json.data.usage.estimated).toBe(true);
  });

  it('counts that are not numbers are replaced by an estimate, and the reply still ends', async () => {
    for (const [i, counts] of [[{}, 3], [true, false], ['12', 2], [-1, 2], [1.5, 2]].entries()) {
      const content = `odd counts ${i}`;
      upstream.scripts.set(content, {
        chunks: ['Hello', ' world'], usage: { prompt_tokens: counts[0], completion_tokens: counts[1] } as never,
      });
      const blocking = await t.api('POST', '/messages', { content, conversation_id: conv });
      expect(blocking.status).toBe(200);
      expect(blocking.json.data.content).toBe('Hello world');
      const m = await t.api('GET', `/messages/${blocking.json.data.id}?includes=usage`);
      expect(m.json.data.usage).toMatchObject({ completion_tokens: 2, estimated: true });
      // A reader arriving later gets the whole reply and its end.
      const sent = await sendForStream(t, conv, content);
      const read = await readSse(sent.stream_url, { timeoutMs: 5000 });
      expect(read.ended).toBe(true);
      expect(read.events.at(-1)?.data).toBe('[END]');
      expect(JSON.parse(read.events.find((e) => e.event === 'usage')!.data)).toMatchObject({ completion_tokens: 2 });
    }
  });

  it('parley usage adds up an account’s replies', async () => {
    const fresh = await parley.tenant();
    const c = await newConversation(fresh);
    upstream.scripts.set('u1', { chunks: ['a'], usage: { prompt_tokens: 10, completion_tokens: 1 } });
    upstream.scripts.set('u2', { chunks: ['b'], usage: { prompt_tokens: 20, completion_tokens: 4 } });
    upstream.scripts.set('u3', { status: 400 });
    for (const content of ['u1', 'u2', 'u3']) await fresh.api('POST', '/messages', { content, conversation_id: c });
    ensureBuilt();
    const totals = onlyJson(runCli(['usage', '--account', encodeId('account', fresh.account.id), '--json'], parley.dataDir));
    expect(totals).toMatchObject({
      messages: 3, replies: 2, failed_replies: 1, prompt_tokens: 30, completion_tokens: 5, total_tokens: 35,
      estimated_replies: 0, messages_in_quota_window: 2,
    });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const later = onlyJson(runCli(['usage', '--account', encodeId('account', fresh.account.id), '--since', tomorrow, '--json'], parley.dataDir));
    expect(later).toMatchObject({ messages: 0, replies: 0, prompt_tokens: 0 });
  }, 90_000);
});
