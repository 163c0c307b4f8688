import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId, encodeId } from '../../src/transport/public-ids.js';
import { seedExchange } from '../support/seed-messages.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { startParley, type ApiResponse, type RunningParley, type Tenant } from '../support/start-parley.js';

/**
 * Account A holds the key; every id below belongs to account B. Each must behave exactly like an
 * id that does not exist: 404 in the path, 422 in the body, nothing of B's in any list.
 */
describe('isolation between accounts', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let a: Tenant;
  let b: Tenant;
  let bConversation: string;
  let bMessages: string[];
  const missing = encodeId('conversation', 9_999_999);
  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'test-model' });
    a = await parley.tenant();
    b = await parley.tenant();
    await a.api('POST', '/conversations', { name: 'A chat', bot_id: a.botId });
    bConversation = (await b.api('POST', '/conversations', { name: 'B secret chat', bot_id: b.botId })).json.data.id;
    bMessages = await seedExchange(parley.app.store, b.account.id, bConversation, 'B secret question', 'B secret answer');
    expect((await b.api('GET', `/messages/${bMessages[1]}`)).status).toBe(200);
  });
  afterAll(async () => {
    await parley.stop();
    await upstream.stop();
  });

  /** A's answer for B's id, next to A's answer for an id nobody has. */
  async function sameAsMissing(call: (id: string) => Promise<ApiResponse>, bId: string) {
    const forB = await call(bId);
    const forNobody = await call(missing);
    expect(forB.status).toBe(forNobody.status);
    expect(forB.json).toEqual(forNobody.json);
    expect(forB.text).not.toMatch(/B secret/);
    return forB;
  }

  it('lists only the caller\'s own bots and conversations', async () => {
    const bots = await a.api('GET', '/bots');
    expect(bots.json.data.map((x: { id: string }) => x.id)).toEqual([a.botId]);
    expect(bots.json.meta.pagination.total).toBe(1);
    const conversations = await a.api('GET', '/conversations');
    expect(conversations.json.data.map((x: { name: string }) => x.name)).toEqual(['A chat']);
    expect(conversations.json.meta.pagination.total).toBe(1);
    expect((await a.api('GET', `/conversations?keyword=secret`)).json.data).toEqual([]);
  });

  it('does not filter conversations by B\'s bot', async () => {
    const r = await sameAsMissing((id) => a.api('GET', `/conversations?bot_id=${id}`), b.botId);
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual([]);
  });

  it('answers 404 for B\'s conversation on get, update and delete', async () => {
    const get = await sameAsMissing((id) => a.api('GET', `/conversations/${id}?includes=document_ids`), bConversation);
    expect(get.status).toBe(404);
    const update = await sameAsMissing(
      (id) => a.api('POST', `/conversations/${id}`, { name: 'hijacked', bot_id: a.botId }), bConversation,
    );
    expect(update.status).toBe(404);
    const del = await sameAsMissing((id) => a.api('DELETE', `/conversations/${id}`), bConversation);
    expect(del.status).toBe(404);
    // B's conversation is untouched.
    const own = await b.api('GET', `/conversations/${bConversation}`);
    expect(own.json.data).toMatchObject({ name: 'B secret chat', bot_id: b.botId });
  });

  it('answers 422 for B\'s bot in a conversation body', async () => {
    const create = await sameAsMissing((id) => a.api('POST', '/conversations', { name: 'x', bot_id: id }), b.botId);
    expect(create.status).toBe(422);
    expect(create.json).toEqual({
      message: 'The selected bot id is invalid.', errors: { bot_id: ['The selected bot id is invalid.'] },
    });
    const own = (await a.api('POST', '/conversations', { name: 'mine', bot_id: a.botId })).json.data.id;
    const update = await a.api('POST', `/conversations/${own}`, { name: 'moved', bot_id: b.botId });
    expect(update.status).toBe(422);
    expect(update.json.errors).toEqual({ bot_id: ['The selected bot id is invalid.'] });
    expect((await a.api('GET', `/conversations/${own}`)).json.data).toMatchObject({ name: 'mine', bot_id: a.botId });
  });

  it('answers 422 for B\'s documents as a conversation\'s focus', async () => {
    const folder = await b.api('POST', '/folders', { name: 'B folder' });
    await parley.app.store.botFolders.set(b.bot.id, [decodeId('folder', folder.json.data.id)!]);
    const bDocument = (await b.api('POST', '/documents', { folder_id: folder.json.data.id, name: 'B doc', content: 'B secret' })).json.data.id;
    expect((await b.api('POST', '/conversations', { name: 'ok', bot_id: b.botId, document_ids: [bDocument] })).status).toBe(200);
    // Even a bot of A's that somehow reads B's folder does not make B's document A's.
    await parley.app.store.botFolders.set(a.bot.id, [decodeId('folder', folder.json.data.id)!]);
    const r = await sameAsMissing((id) => a.api('POST', '/conversations', { name: 'x', bot_id: a.botId, document_ids: [id] }), bDocument);
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual({ 'document_ids.0': ['The selected document ids.0 is invalid.'] });
    await parley.app.store.botFolders.set(a.bot.id, []);
  });

  it('shows none of B\'s messages', async () => {
    const list = await sameAsMissing((id) => a.api('GET', `/messages?conversation_id=${id}&includes=sources,usage`), bConversation);
    expect(list.status).toBeLessThan(500);
    if (list.status === 200) expect(list.json.data).toEqual([]);
    expect((await a.api('GET', '/messages')).json.data).toEqual([]);
    for (const m of bMessages) {
      const get = await sameAsMissing((id) => a.api('GET', `/messages/${id}?includes=sources`), m);
      expect(get.status).toBe(404);
    }
  });

  it('answers 422 for B\'s conversation when sending, and stores nothing', async () => {
    const invalid = {
      message: 'The selected conversation id is invalid.',
      errors: { conversation_id: ['The selected conversation id is invalid.'] },
    };
    const requestsBefore = upstream.requests.length;
    const send = await sameAsMissing((id) => a.api('POST', '/messages', { content: 'hi', conversation_id: id }), bConversation);
    expect(send.status).toBe(422);
    expect(send.json).toEqual(invalid);
    for (const redirect of [true, false]) {
      const stream = await sameAsMissing(
        (id) => a.api('POST', '/messages/stream', { content: 'hi', conversation_id: id, redirect }), bConversation,
      );
      expect(stream.status).toBe(422);
      expect(stream.json).toEqual(invalid);
      expect(stream.headers.get('location')).toBeNull();
    }
    expect(upstream.requests.length).toBe(requestsBefore);
    expect((await b.api('GET', `/messages?conversation_id=${bConversation}`)).json.data).toHaveLength(2);
    expect(await parley.app.store.messages.countInWindow(a.account.id, Date.now())).toBe(0);
  });
});
