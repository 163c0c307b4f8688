import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

describe('GET /api/v1/bots', () => {
  let parley: RunningParley;
  let t: Tenant;
  beforeAll(async () => {
    // A model server that is never called: bots without a model of their own show its default model.
    parley = await startParley({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'default-model' });
    t = await parley.tenant({ botModel: 'own-model' });
    // The tenant's 'Test bot' is first; then 11 more, 12 in all.
    for (const name of ['Sales helper', 'Support 100%', 'support_desk', 'Writer', 'a', 'b', 'c', 'd', 'e', 'f', 'g']) {
      await parley.app.store.bots.create(t.account.id, {
        name, model: null, systemPrompt: 'secret prompt', temperature: 0.5, maxReplyTokens: 100,
      }, Date.now());
    }
  });
  afterAll(() => parley.stop());

  it('lists the bots in the Cody shape, newest first, 15 a page, without Parley\'s own settings', async () => {
    const r = await t.api('GET', '/bots');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json.data).toHaveLength(12);
    expect(r.json.data.map((b: { name: string }) => b.name).slice(0, 3)).toEqual(['g', 'f', 'e']);
    expect(r.json.data.at(-1)).toEqual({
      id: t.botId, name: 'Test bot', description: null, model: 'own-model', created_at: Math.floor(t.bot.createdAt / 1000),
    });
    expect(Object.keys(r.json.data[0]).sort()).toEqual(['created_at', 'description', 'id', 'model', 'name']);
    // A bot that names no model shows the configured default.
    expect(r.json.data.at(-2)).toMatchObject({ name: 'Sales helper', model: 'default-model' });
    expect(typeof r.json.data[1].id).toBe('string');
    expect(r.json.meta.pagination).toMatchObject({
      count: 12, total: 12, per_page: 15, total_pages: 1, next_page: null, previous_page: null,
    });
  });

  it('pages with ?page and ?per_page, and lists oldest first with Parley\'s ?order=oldest', async () => {
    const second = await t.api('GET', '/bots?page=2&per_page=10');
    expect(second.json.data.map((b: { name: string }) => b.name)).toEqual(['Sales helper', 'Test bot']);
    expect(second.json.meta.pagination).toMatchObject({
      count: 2, total: 12, per_page: 10, total_pages: 2, next_page: null, previous_page: 1,
    });
    const small = await t.api('GET', '/bots?per_page=5&page=2&order=oldest');
    expect(small.json.data.map((b: { name: string }) => b.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(small.json.meta.pagination).toMatchObject({
      count: 5, total: 12, per_page: 5, total_pages: 3, next_page: 3, previous_page: 1,
    });
    // Pipedream's pickers ask for page 0: the first page, as Laravel's paginator reads it.
    const zero = await t.api('GET', '/bots?page=0&per_page=5');
    expect(zero.status).toBe(200);
    expect(zero.json).toEqual((await t.api('GET', '/bots?page=1&per_page=5')).json);
    expect(zero.json.meta.pagination).toMatchObject({ current_page: 1, next_page: 2, previous_page: null });
  });

  it('filters by keyword, case-insensitively, with % and _ taken literally', async () => {
    const support = await t.api('GET', '/bots?keyword=SUPPORT');
    expect(support.json.data.map((b: { name: string }) => b.name)).toEqual(['support_desk', 'Support 100%']);
    expect(support.json.meta.pagination).toMatchObject({ total: 2, total_pages: 1, next_page: null });
    const percent = await t.api('GET', '/bots?keyword=%25');
    expect(percent.json.data.map((b: { name: string }) => b.name)).toEqual(['Support 100%']);
    const underscore = await t.api('GET', '/bots?keyword=_');
    expect(underscore.json.data.map((b: { name: string }) => b.name)).toEqual(['support_desk']);
    const none = await t.api('GET', '/bots?keyword=nothing-like-this');
    expect(none.json).toEqual({
      data: [],
      meta: { pagination: expect.objectContaining({ count: 0, total: 0, next_page: null, previous_page: null }) },
    });
  });

  it('answers an empty page past the last one', async () => {
    const r = await t.api('GET', '/bots?page=5&per_page=10');
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual([]);
    expect(r.json.meta.pagination).toMatchObject({
      count: 0, total: 12, total_pages: 2, next_page: null, previous_page: 4,
    });
  });

  it('refuses a page that is not a whole number from 0, per_page out of range, and an unknown order', async () => {
    for (const [query, field, message] of [
      ['page=-1', 'page', 'The page field must be at least 0.'],
      ['page=abc', 'page', 'The page field must be an integer.'],
      ['page=1.5', 'page', 'The page field must be an integer.'],
      ['per_page=0', 'per_page', 'The per page field must be at least 1.'],
      ['per_page=101', 'per_page', 'The per page field must not be greater than 100.'],
      ['order=random', 'order', 'The selected order is invalid.'],
    ]) {
      const r = await t.api('GET', `/bots?${query}`);
      expect(r.status, query).toBe(422);
      expect(r.json, query).toEqual({ message, errors: { [field]: [message] } });
    }
  });

  it('shows an account with no bots an empty list', async () => {
    const account = await parley.app.store.accounts.create({ name: 'bare', plan: null, messageLimit: null, createdAt: Date.now() });
    const { key } = await createApiKey(parley.app.store, account.id, null);
    const r = await fetch(`${parley.url}/api/v1/bots`, { headers: { authorization: `Bearer ${key}` } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      data: [],
      meta: { pagination: { count: 0, total: 0, per_page: 15, current_page: 1, total_pages: 1, next_page: null, previous_page: null, links: {} } },
    });
  });
});
