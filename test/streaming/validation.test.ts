import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { listMessages, newConversation } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

const invalid = (field: string, message: string) => ({ message, errors: { [field]: [message] } });
const REQUIRED = invalid('content', 'The content field is required.');
const NOT_STRING = invalid('content', 'The content field must be a string.');
const TOO_LONG = invalid('content', 'The content field must not be greater than 2000 characters.');
const BAD_CONVERSATION = invalid('conversation_id', 'The selected conversation id is invalid.');

describe('validation of a message', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let conversationId: string;

  useScriptedChat({
    env: { LLM_MODEL: 'm' },
    script: (u) => {
      u.fallback = { chunks: ['ok'] };
    },
  }, (chat) => ({ upstream, parley, t, conversationId } = chat));

  const endpoints = [
    ['POST /messages/stream', (body: object) => t.api('POST', '/messages/stream', { redirect: false, ...body }), 200],
    ['POST /messages', (body: object) => t.api('POST', '/messages', body), 200],
  ] as const;

  for (const [name, post, ok] of endpoints) {
    describe(name, () => {
      it('requires content, as a string', async () => {
        const cases: [unknown, object][] = [
          [undefined, REQUIRED], [null, REQUIRED], ['', REQUIRED], ['   ', REQUIRED],
          [5, NOT_STRING], [true, NOT_STRING], [['a'], NOT_STRING], [{ text: 'a' }, NOT_STRING],
        ];
        for (const [content, expected] of cases) {
          const r = await post({ content, conversation_id: conversationId });
          expect(r.status, JSON.stringify(content)).toBe(422);
          expect(r.json, JSON.stringify(content)).toEqual(expected);
        }
      });

      it('counts up to 2000 characters as Unicode code points: 2000 emoji pass, 2001 fail', async () => {
        for (const unit of ['a', '😀', '𝄞', 'é']) {
          const at = await post({ content: unit.repeat(2000), conversation_id: conversationId });
          expect(at.status, `2000 × ${unit}`).toBe(ok);
          const over = await post({ content: unit.repeat(2001), conversation_id: conversationId });
          expect(over.status, `2001 × ${unit}`).toBe(422);
          expect(over.json).toEqual(TOO_LONG);
        }
      });

      it("refuses a conversation that is malformed, unknown or another account's", async () => {
        const other = await parley.tenant();
        const theirs = await newConversation(other);
        const deleted = await newConversation(t);
        await t.api('DELETE', `/conversations/${deleted}`);
        for (const id of ['nope', 'abcdefghijklmnop', 12, '0000000000', theirs, deleted, [conversationId]]) {
          const r = await post({ content: 'hi', conversation_id: id });
          expect(r.status, JSON.stringify(id)).toBe(422);
          expect(r.json, JSON.stringify(id)).toEqual(BAD_CONVERSATION);
        }
        expect(await listMessages(other, theirs)).toEqual([]);
      });

      it('reports every invalid field at once, the first as the message', async () => {
        const r = await post({ content: 7, conversation_id: 'nope' });
        expect(r.status).toBe(422);
        expect(r.json).toEqual({
          message: 'The content field must be a string.',
          errors: {
            content: ['The content field must be a string.'],
            conversation_id: ['The selected conversation id is invalid.'],
          },
        });
      });

      it('stores nothing for an invalid request', async () => {
        const fresh = await newConversation(t);
        await post({ content: '', conversation_id: fresh });
        await post({ content: 'x'.repeat(2001), conversation_id: fresh });
        expect(await listMessages(t, fresh)).toEqual([]);
      });
    });
  }

  it('POST /messages/stream: a missing conversation_id is an invalid one (the reference does not mark it required)', async () => {
    const r = await t.api('POST', '/messages/stream', { content: 'hi', redirect: false });
    expect(r.status).toBe(422);
    expect(r.json).toEqual(BAD_CONVERSATION);
  });

  it('POST /messages: conversation_id is required (marked so in the reference)', async () => {
    const r = await t.api('POST', '/messages', { content: 'hi' });
    expect(r.status).toBe(422);
    expect(r.json).toEqual(invalid('conversation_id', 'The conversation id field is required.'));
  });

  it('POST /messages/stream: redirect must be a boolean (Laravel also takes 1, 0, "true", "false", "1", "0")', async () => {
    for (const redirect of ['yes', 2, 'no', [], {}, 'TRUE ']) {
      const r = await t.api('POST', '/messages/stream', { content: 'hi', conversation_id: conversationId, redirect });
      expect(r.status, JSON.stringify(redirect)).toBe(422);
      expect(r.json).toEqual(invalid('redirect', 'The redirect field must be true or false.'));
    }
    for (const [redirect, status] of [[false, 200], [0, 200], ['0', 200], ['false', 200], [true, 302], [1, 302], ['1', 302], ['true', 302]] as const) {
      const r = await t.api('POST', '/messages/stream', { content: 'hi', conversation_id: conversationId, redirect });
      expect(r.status, JSON.stringify(redirect)).toBe(status);
    }
  });

  it('refuses a body that is not a JSON object as a validation failure or a clear 4xx', async () => {
    for (const body of ['[]', '"text"', '42']) {
      const r = await t.api('POST', '/messages/stream', body);
      expect(r.status, body).toBe(422);
      expect(r.json.errors.content).toEqual(['The content field is required.']);
    }
    const broken = await t.api('POST', '/messages/stream', '{"content": ');
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ message: 'The request body is not valid JSON.' });
  });

  it('needs an API key', async () => {
    const r = await t.api('POST', '/messages/stream', { content: 'hi', conversation_id: conversationId }, {
      authorization: 'Bearer wrong',
    });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ message: 'Unauthenticated.' });
  });
});
