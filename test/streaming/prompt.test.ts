import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation } from '../support/sse-reader.js';
import type { RunningParley } from '../support/start-parley.js';

describe('what the model is given', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;

  useScriptedChat({
    env: { LLM_MODEL: 'server-model', LLM_API_KEY: 'sk-server' },
    script: (u) => {
      u.scripts.set('first', { chunks: ['first answer'] });
      u.scripts.set('broken', { status: 400, body: '{"error":{"message":"bad"}}' });
      u.scripts.set('second', { chunks: ['second answer'] });
    },
  }, (chat) => ({ upstream, parley } = chat));

  const lastRequest = () => upstream.requests[upstream.requests.length - 1];

  it("the bot's system prompt, the conversation so far (without failed replies) and the new message, in order", async () => {
    const t = await parley.tenant({ systemPrompt: 'You answer in one line.' });
    const conversationId = await newConversation(t);
    const other = await newConversation(t);
    await t.api('POST', '/messages', { content: 'elsewhere', conversation_id: other });
    expect((await t.api('POST', '/messages', { content: 'first', conversation_id: conversationId })).status).toBe(200);
    expect((await t.api('POST', '/messages', { content: 'broken', conversation_id: conversationId })).status).toBe(500);
    expect((await t.api('POST', '/messages', { content: 'second', conversation_id: conversationId })).status).toBe(200);
    const messages = lastRequest().body.messages;
    expect(messages[0]).toEqual({ role: 'system', content: 'You answer in one line.' });
    expect(messages.slice(1).filter((m) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'first answer' },
      // The message whose reply failed may stay as context; its error text must not.
      ...(messages.some((m) => m.content === 'broken') ? [{ role: 'user', content: 'broken' }] : []),
      { role: 'user', content: 'second' },
    ]);
    expect(JSON.stringify(messages)).not.toContain('elsewhere');
    expect(JSON.stringify(messages)).not.toContain('bad');
    expect(lastRequest().body.stream).toBe(true);
    expect(lastRequest().headers.authorization).toBe('Bearer sk-server');
  });

  it("uses the bot's own model when it names one, else LLM_MODEL", async () => {
    const plain = await parley.tenant();
    await plain.api('POST', '/messages', { content: 'hi', conversation_id: await newConversation(plain) });
    expect(lastRequest().body.model).toBe('server-model');

    const own = await parley.tenant({ botModel: 'bot-model' });
    await own.api('POST', '/messages', { content: 'hi', conversation_id: await newConversation(own) });
    expect(lastRequest().body.model).toBe('bot-model');
  });
});
