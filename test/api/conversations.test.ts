import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId, encodeId } from '../../src/transport/public-ids.js';
import { seedExchange } from '../support/seed-messages.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/** Makes a folder the given bots may read, with `count` documents in it; returns their ids, oldest first. */
async function makeDocuments(parley: RunningParley, t: Tenant, botIds: number[], count: number): Promise<string[]> {
  const folder = await t.api('POST', '/folders', { name: 'Docs' });
  expect(folder.status).toBe(200);
  for (const botId of botIds) await parley.app.store.botFolders.set(botId, [decodeId('folder', folder.json.data.id)!]);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = await t.api('POST', '/documents', { folder_id: folder.json.data.id, name: `Doc ${i}`, content: `Text ${i}.` });
    expect(d.status).toBe(200);
    ids.push(d.json.data.id);
  }
  return ids;
}

describe('conversations', () => {
  let parley: RunningParley;
  let t: Tenant;
  let otherBotId: string;
  let docs: string[];
  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
    const other = await parley.app.store.bots.create(t.account.id, {
      name: 'Other bot', model: null, systemPrompt: null, temperature: null, maxReplyTokens: null,
    }, Date.now());
    otherBotId = encodeId('bot', other.id);
    docs = await makeDocuments(parley, t, [t.bot.id, other.id], 5);
  });
  afterAll(() => parley.stop());

  it('creates a conversation and gets it back', async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = await t.api('POST', '/conversations', { name: 'Plans', bot_id: t.botId });
    expect(created.status).toBe(200);
    const c = created.json.data;
    expect(c).toMatchObject({ name: 'Plans', bot_id: t.botId });
    expect(typeof c.id).toBe('string');
    expect(c.created_at).toBeGreaterThanOrEqual(before);
    expect(c.created_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    const got = await t.api('GET', `/conversations/${c.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual({ data: { id: c.id, name: 'Plans', bot_id: t.botId, created_at: c.created_at } });
  });

  it('keeps document_ids, shown only with ?includes=document_ids', async () => {
    const created = await t.api('POST', '/conversations', {
      name: 'With docs', bot_id: t.botId, document_ids: [docs[2], docs[0], docs[2]],
    });
    expect(created.status).toBe(200);
    const id = created.json.data.id;
    expect((await t.api('GET', `/conversations/${id}`)).json.data).not.toHaveProperty('document_ids');
    const withDocs = await t.api('GET', `/conversations/${id}?includes=document_ids`);
    expect(withDocs.json.data.document_ids).toEqual([docs[0], docs[2]]);

    const empty = await t.api('POST', '/conversations', { name: 'No docs', bot_id: t.botId });
    const emptyDocs = await t.api('GET', `/conversations/${empty.json.data.id}?includes=document_ids`);
    expect(emptyDocs.json.data.document_ids).toEqual([]);
  });

  it('updates name, bot and documents with POST /conversations/{id}', async () => {
    const c = (await t.api('POST', '/conversations', { name: 'Old', bot_id: t.botId, document_ids: [docs[1]] })).json.data;
    const updated = await t.api('POST', `/conversations/${c.id}`, { name: 'New', bot_id: otherBotId });
    expect(updated.status).toBe(200);
    expect(updated.json.data).toMatchObject({ id: c.id, name: 'New', bot_id: otherBotId, created_at: c.created_at });
    // Leaving document_ids out keeps them; giving them replaces them.
    let got = await t.api('GET', `/conversations/${c.id}?includes=document_ids`);
    expect(got.json.data).toMatchObject({ name: 'New', bot_id: otherBotId, document_ids: [docs[1]] });
    await t.api('POST', `/conversations/${c.id}`, { name: 'New', bot_id: otherBotId, document_ids: [docs[4], docs[3]] });
    got = await t.api('GET', `/conversations/${c.id}?includes=document_ids`);
    expect(got.json.data.document_ids).toEqual([docs[3], docs[4]]);
    await t.api('POST', `/conversations/${c.id}`, { name: 'New', bot_id: otherBotId, document_ids: [] });
    got = await t.api('GET', `/conversations/${c.id}?includes=document_ids`);
    expect(got.json.data.document_ids).toEqual([]);
  });

  it('refuses an update that misses the required fields', async () => {
    const c = (await t.api('POST', '/conversations', { name: 'Keep', bot_id: t.botId })).json.data;
    const r = await t.api('POST', `/conversations/${c.id}`, { name: 'Only name' });
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual({ bot_id: ['The bot id field is required.'] });
    expect((await t.api('GET', `/conversations/${c.id}`)).json.data.name).toBe('Keep');
  });

  it('deletes a conversation together with its messages', async () => {
    const c = (await t.api('POST', '/conversations', { name: 'Doomed', bot_id: t.botId })).json.data;
    await seedExchange(parley.app.store, t.account.id, c.id, 'hi', 'hello');
    const listed = await t.api('GET', `/messages?conversation_id=${c.id}`);
    expect(listed.json.data).toHaveLength(2);

    const del = await t.api('DELETE', `/conversations/${c.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await t.api('GET', `/conversations/${c.id}`)).status).toBe(404);
    expect((await t.api('DELETE', `/conversations/${c.id}`)).status).toBe(404);
    for (const m of listed.json.data) expect((await t.api('GET', `/messages/${m.id}`)).status).toBe(404);
    expect((await t.api('GET', `/messages?conversation_id=${c.id}`)).json.data).toEqual([]);
    const rows = await parley.app.store.messages.list(t.account.id, { conversationId: undefined }, { limit: 1000, offset: 0 });
    expect(rows.items.filter((m) => encodeId('conversation', m.conversationId) === c.id)).toEqual([]);
  });
});

describe('GET /api/v1/conversations', () => {
  let parley: RunningParley;
  let t: Tenant;
  let second: string;
  let focus: string;
  const ids: string[] = [];
  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
    const bot2 = await parley.app.store.bots.create(t.account.id, {
      name: 'Second', model: null, systemPrompt: null, temperature: null, maxReplyTokens: null,
    }, Date.now());
    second = encodeId('bot', bot2.id);
    [focus] = await makeDocuments(parley, t, [t.bot.id], 1);
    // 12 conversations: 8 with the tenant's bot, 4 with the second.
    for (let i = 1; i <= 12; i++) {
      const r = await t.api('POST', '/conversations', {
        name: i === 5 ? 'Trip to Paris' : i === 9 ? 'paris again' : `Chat ${i}`,
        bot_id: i % 3 === 0 ? second : t.botId,
        document_ids: i === 1 ? [focus] : undefined,
      });
      ids.push(r.json.data.id);
    }
  });
  afterAll(() => parley.stop());

  it('lists conversations newest first, 15 a page, with pagination; oldest first with ?order=oldest', async () => {
    const newest = [...ids].reverse();
    const r = await t.api('GET', '/conversations');
    expect(r.status).toBe(200);
    expect(r.json.data.map((c: { id: string }) => c.id)).toEqual(newest);
    expect(r.json.data.at(-1)).toEqual({ id: ids[0], name: 'Chat 1', bot_id: t.botId, created_at: expect.any(Number) });
    expect(r.json.meta.pagination).toMatchObject({
      count: 12, total: 12, per_page: 15, total_pages: 1, next_page: null, previous_page: null,
    });
    const p2 = await t.api('GET', '/conversations?page=2&per_page=10');
    expect(p2.json.data.map((c: { id: string }) => c.id)).toEqual(newest.slice(10));
    expect(p2.json.meta.pagination).toMatchObject({ count: 2, next_page: null, previous_page: 1 });
    const p3 = await t.api('GET', '/conversations?per_page=4&page=3&order=oldest');
    expect(p3.json.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(8, 12));
    expect(p3.json.meta.pagination).toMatchObject({ count: 4, per_page: 4, total_pages: 3, next_page: null, previous_page: 2 });
    const zero = await t.api('GET', '/conversations?page=0&per_page=4');
    expect(zero.json.data.map((c: { id: string }) => c.id)).toEqual(newest.slice(0, 4));
  });

  it('filters by bot_id and keyword, together too', async () => {
    const bySecond = await t.api('GET', `/conversations?bot_id=${second}`);
    expect(bySecond.json.data.map((c: { id: string }) => c.id)).toEqual([ids[11], ids[8], ids[5], ids[2]]);
    expect(bySecond.json.meta.pagination.total).toBe(4);
    const paris = await t.api('GET', '/conversations?keyword=PARIS');
    expect(paris.json.data.map((c: { name: string }) => c.name)).toEqual(['paris again', 'Trip to Paris']);
    const both = await t.api('GET', `/conversations?keyword=paris&bot_id=${second}`);
    expect(both.json.data.map((c: { name: string }) => c.name)).toEqual(['paris again']);
  });

  it('answers an unknown or malformed bot_id filter with an empty list', async () => {
    for (const botId of [encodeId('bot', 999_999), 'nonsense']) {
      const r = await t.api('GET', `/conversations?bot_id=${botId}`);
      expect(r.status).toBe(200);
      expect(r.json.data).toEqual([]);
      expect(r.json.meta.pagination).toMatchObject({ count: 0, total: 0, next_page: null, previous_page: null });
    }
  });

  it('includes document_ids on request', async () => {
    const r = await t.api('GET', '/conversations?includes=document_ids&per_page=2&order=oldest');
    expect(r.json.data.map((c: { document_ids: string[] }) => c.document_ids)).toEqual([[focus], []]);
    const plain = await t.api('GET', '/conversations?per_page=2');
    expect(plain.json.data[0]).not.toHaveProperty('document_ids');
  });

  it('answers pages past the end empty and refuses bad page numbers', async () => {
    const far = await t.api('GET', '/conversations?page=99&per_page=10');
    expect(far.status).toBe(200);
    expect(far.json.data).toEqual([]);
    expect(far.json.meta.pagination).toMatchObject({ count: 0, total: 12, total_pages: 2, next_page: null, previous_page: 98 });
    for (const page of ['-1', 'abc', '']) {
      const r = await t.api('GET', `/conversations?page=${page}`);
      if (page === '') {
        expect(r.status).toBe(200); // an empty parameter is as good as none
        continue;
      }
      expect(r.status, page).toBe(422);
      expect(Object.keys(r.json.errors)).toEqual(['page']);
      expect(r.json.message).toBe(r.json.errors.page[0]);
    }
  });

  it('shows an account without conversations an empty list', async () => {
    const fresh = await parley.tenant();
    const r = await fresh.api('GET', '/conversations');
    expect(r.json).toEqual({
      data: [],
      meta: { pagination: { count: 0, total: 0, per_page: 15, current_page: 1, total_pages: 1, next_page: null, previous_page: null, links: {} } },
    });
  });
});
