import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys.js';
import { encodeId } from '../../src/transport/public-ids.js';
import { rawRequest } from '../reliability/support/raw-http.js';
import { request, startParley, type ApiResponse, type RunningParley, type Tenant } from '../support/start-parley.js';

const BODY_LIMIT = 4096;

/** No 5xx, and nothing that looks like a stack trace or an internal file name. */
function expectClientError(r: ApiResponse, label: string) {
  expect(r.status, label).toBeGreaterThanOrEqual(400);
  expect(r.status, label).toBeLessThan(500);
  expect(r.text, label).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node_modules|\.ts:\d+|Error:/);
  expect(typeof r.json?.message, label).toBe('string');
}

describe('errors', () => {
  let parley: RunningParley;
  let t: Tenant;
  let conversationId: string;
  beforeAll(async () => {
    parley = await startParley({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
    t = await parley.tenant();
    conversationId = (await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId })).json.data.id;
  });
  afterAll(() => parley.stop());

  describe('401', () => {
    const unauthenticated = { message: 'Unauthenticated.' };
    const call = (headers: Record<string, string>) => request(`${parley.url}/api/v1/bots`, 'GET', undefined, headers);

    it('answers a missing, malformed or wrong key', async () => {
      const wrongSecret = t.key.slice(0, -4) + (t.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const [label, headers] of Object.entries<Record<string, string>>({
        missing: {},
        empty: { authorization: '' },
        'no scheme': { authorization: t.key },
        'basic scheme': { authorization: `Basic ${Buffer.from(`x:${t.key}`).toString('base64')}` },
        'bearer only': { authorization: 'Bearer' },
        'two tokens': { authorization: `Bearer ${t.key} ${t.key}` },
        garbage: { authorization: 'Bearer not-a-key' },
        'wrong secret': { authorization: `Bearer ${wrongSecret}` },
        'unknown prefix': { authorization: `Bearer parley_${'Z'.repeat(42)}` },
        'key too long': { authorization: `Bearer ${t.key}x` },
      })) {
        const r = await call(headers);
        expect(r.status, label).toBe(401);
        expect(r.json, label).toEqual(unauthenticated);
      }
    });

    it('accepts the scheme in any case', async () => {
      expect((await call({ authorization: `bearer ${t.key}` })).status).toBe(200);
    });

    it('answers a revoked key on every endpoint', async () => {
      const { key, record } = await createApiKey(parley.app.store, t.account.id, 'soon revoked');
      expect((await call({ authorization: `Bearer ${key}` })).status).toBe(200);
      await parley.app.store.apiKeys.revoke(record.id, Date.now());
      // A running server trusts a key it verified for AUTH_CACHE_TTL (1 s by default).
      await new Promise((r) => setTimeout(r, 1_100));
      for (const [method, path] of [
        ['GET', '/bots'], ['GET', '/conversations'], ['POST', '/conversations'],
        ['GET', `/conversations/${conversationId}`], ['POST', `/conversations/${conversationId}`],
        ['DELETE', `/conversations/${conversationId}`], ['GET', '/messages'], ['GET', `/messages/${encodeId('message', 1)}`],
        ['POST', '/messages'], ['POST', '/messages/stream'],
      ]) {
        const r = await request(`${parley.url}/api/v1${path}`, method, method === 'POST' ? {} : undefined, {
          authorization: `Bearer ${key}`,
        });
        expect(r.status, `${method} ${path}`).toBe(401);
        expect(r.json).toEqual(unauthenticated);
      }
      expect((await t.api('GET', `/conversations/${conversationId}`)).status).toBe(200);
    });
  });

  describe('404', () => {
    it('answers unknown and malformed ids as JSON', async () => {
      for (const [method, path] of [
        ['GET', `/conversations/${encodeId('conversation', 987_654)}`], ['POST', `/conversations/${encodeId('conversation', 987_654)}`],
        ['DELETE', `/conversations/${encodeId('conversation', 987_654)}`], ['GET', '/conversations/not-an-id'],
        ['GET', '/conversations/0'], ['GET', `/messages/${encodeId('message', 987_654)}`], ['GET', '/messages/xyz'],
      ]) {
        const body = method === 'POST' ? { name: 'n', bot_id: t.botId } : undefined;
        const r = await t.api(method, path, body);
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect(r.json, path).toEqual({ message: expect.stringMatching(/not found/) });
      }
    });

    it('answers unknown routes, with or without a key', async () => {
      for (const r of [
        await t.api('GET', '/nothing-here'),
        await request(`${parley.url}/api/v1/nothing-here`, 'GET'),
        await request(`${parley.url}/nothing-here`, 'GET'), // (`/` is the playground)
        await t.api('PUT', `/conversations/${conversationId}`, { name: 'x' }),
        await t.api('PATCH', '/bots', {}),
      ]) {
        expect([404, 405]).toContain(r.status);
        expect(typeof r.json.message).toBe('string');
      }
    });
  });

  describe('400 and 413', () => {
    it('answers a body that is not JSON with 400', async () => {
      for (const body of ['{', '{"name": "x",}', 'name=x', '[1, 2', '\u0000']) {
        const r = await t.api('POST', '/conversations', body);
        expect(r.status, body).toBe(400);
        expect(r.json, body).toEqual({ message: 'The request body is not valid JSON.' });
      }
    });

    it('refuses prototype poisoning', async () => {
      const r = await t.api('POST', '/conversations', `{"name":"p","bot_id":"${t.botId}","__proto__":{"x":1}}`);
      expect(r.status).toBe(400);
    });

    it('answers a body over BODY_LIMIT_BYTES with 413', async () => {
      const r = await t.api('POST', '/conversations', { name: 'x'.repeat(BODY_LIMIT), bot_id: t.botId });
      expect(r.status).toBe(413);
      expect(r.json).toEqual({ message: 'The request body is too large.' });
    });

    it('answers a body that is neither JSON nor a form with 415', async () => {
      for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
        const r = await t.api('POST', '/conversations', `{"name":"n","bot_id":"${t.botId}"}`, { 'content-type': type });
        expect(r.status, type).toBe(415);
        expect(r.json).toEqual({ message: 'The request body must be JSON (Content-Type: application/json).' });
      }
    });
  });

  describe('422', () => {
    const create = (body: unknown) => t.api('POST', '/conversations', body);

    it('names every missing field', async () => {
      const r = await create({});
      expect(r.status).toBe(422);
      expect(r.json).toEqual({
        message: 'The name field is required.',
        errors: { name: ['The name field is required.'], bot_id: ['The bot id field is required.'] },
      });
      const blank = await create({ name: '   ', bot_id: t.botId });
      expect(blank.json.errors).toEqual({ name: ['The name field is required.'] });
    });

    it('refuses an unknown or malformed bot_id', async () => {
      const invalid = { message: 'The selected bot id is invalid.', errors: { bot_id: ['The selected bot id is invalid.'] } };
      for (const botId of [encodeId('bot', 987_654), 'nope', 12, true, {}, [t.botId], t.botId.toLowerCase() + 'x']) {
        const r = await create({ name: 'n', bot_id: botId });
        expect(r.status, JSON.stringify(botId)).toBe(422);
        expect(r.json, JSON.stringify(botId)).toEqual(invalid);
      }
    });

    it('refuses a name that is not a string or too long', async () => {
      for (const name of [42, true, ['a'], { a: 1 }]) {
        const r = await create({ name, bot_id: t.botId });
        expect(r.status, JSON.stringify(name)).toBe(422);
        expect(r.json.errors).toEqual({ name: ['The name field must be a string.'] });
      }
      const long = await create({ name: 'é'.repeat(256), bot_id: t.botId });
      expect(long.json).toEqual({
        message: 'The name field must not be greater than 255 characters.',
        errors: { name: ['The name field must not be greater than 255 characters.'] },
      });
      expect((await create({ name: '😀'.repeat(255), bot_id: t.botId })).status).toBe(200);
    });

    it('refuses document_ids that are not an array, too many, or not ids', async () => {
      const notArray = await create({ name: 'n', bot_id: t.botId, document_ids: 'abc' });
      expect(notArray.json).toEqual({
        message: 'The document ids field must be an array.',
        errors: { document_ids: ['The document ids field must be an array.'] },
      });
      const bad = await create({ name: 'n', bot_id: t.botId, document_ids: [encodeId('document', 1), 'bad', 7] });
      expect(bad.status).toBe(422);
      expect(Object.keys(bad.json.errors)).toEqual(['document_ids.1', 'document_ids.2']);
    });

    it('takes up to 1000 document ids', async () => {
      // 1001 ids need a larger body than this suite's server takes.
      const big = await startParley();
      try {
        const u = await big.tenant();
        const ids = Array.from({ length: 1001 }, (_, i) => encodeId('document', i + 1));
        const tooMany = await u.api('POST', '/conversations', { name: 'n', bot_id: u.botId, document_ids: ids });
        expect(tooMany.status).toBe(422);
        expect(tooMany.json).toEqual({
          message: 'The document ids field must not have more than 1000 items.',
          errors: { document_ids: ['The document ids field must not have more than 1000 items.'] },
        });
        // 1000 pass the count; then each is checked (none of these exists).
        const thousand = await u.api('POST', '/conversations', { name: 'n', bot_id: u.botId, document_ids: ids.slice(0, 1000) });
        expect(thousand.status).toBe(422);
        expect(thousand.json.errors).not.toHaveProperty('document_ids');
        expect(thousand.json.errors['document_ids.999']).toEqual(['The selected document ids.999 is invalid.']);
        // Laravel clients may send a form with `document_ids[]=` fields.
        const form = new URLSearchParams([['name', 'form'], ['bot_id', u.botId]]);
        for (const id of ids) form.append('document_ids[]', id);
        const refused = await u.api('POST', '/conversations', form.toString(), {
          'content-type': 'application/x-www-form-urlencoded',
        });
        expect(refused.status).toBe(422);
        expect(Object.keys(refused.json.errors)).toEqual(['document_ids']);
      } finally {
        await big.stop();
      }
    });

    it('gives the same answers on update', async () => {
      const r = await t.api('POST', `/conversations/${conversationId}`, { name: 7, bot_id: 'nope' });
      expect(r.status).toBe(422);
      expect(r.json.errors).toEqual({
        name: ['The name field must be a string.'], bot_id: ['The selected bot id is invalid.'],
      });
      const other = await t.api('POST', `/conversations/${conversationId}`, { name: 'ok', bot_id: encodeId('bot', 987_654) });
      expect(other.status).toBe(422);
      expect(other.json.errors).toEqual({ bot_id: ['The selected bot id is invalid.'] });
    });

    it('refuses a NUL in a text field, on every store alike', async () => {
      const r = await create({ name: 'a\u0000b', bot_id: t.botId });
      expect(r.status).toBe(422);
      expect(r.json).toEqual({ message: 'The name field must not contain null characters.', errors: { name: ['The name field must not contain null characters.'] } });
    });

    it('ignores unknown extra fields', async () => {
      const r = await create({ name: 'extra', bot_id: t.botId, color: 'blue', id: 'mine', created_at: 1, account_id: 1 });
      expect(r.status).toBe(200);
      expect(Object.keys(r.json.data).sort()).toEqual(['bot_id', 'created_at', 'document_ids', 'id', 'name']);
      expect(r.json.data.id).not.toBe('mine');
      expect(r.json.data.created_at).not.toBe(1);
    });

    it('refuses bad query parameters on lists', async () => {
      for (const path of ['/conversations?page=-1', '/conversations?page=abc', '/messages?order=sideways', '/bots?page=1&page=2', '/conversations?keyword=a&keyword=b']) {
        const r = await t.api('GET', path);
        expect(r.status, path).toBe(422);
        expect(r.json.message, path).toBe(Object.values(r.json.errors as Record<string, string[]>)[0][0]);
      }
      const long = await t.api('GET', `/bots?keyword=${'k'.repeat(256)}`);
      expect(long.status).toBe(422);
    });
  });

  it('never answers odd bodies with a 500 or a stack trace', async () => {
    const odd = [
      '[]', '[1,2,3]', '42', '-1e309', 'null', 'true', '"a string"', '{}',
      JSON.stringify({ name: null, bot_id: null }),
      JSON.stringify({ name: { nested: { deeper: [1, { x: null }] } }, bot_id: { $ne: null } }),
      JSON.stringify({ name: 'x'.repeat(3000), bot_id: 'y'.repeat(3000) }),
      JSON.stringify({ name: 'n', bot_id: t.botId, document_ids: { 0: 'a' } }),
      JSON.stringify({ name: 'n', bot_id: t.botId, document_ids: [[1], null, {}] }),
      JSON.stringify({ name: '\u0000\ud800', bot_id: 1e308 }),
      JSON.stringify({ constructor: { prototype: { polluted: true } } }),
      JSON.stringify([{ name: 'n', bot_id: t.botId }]),
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
    ];
    const targets = [
      ['POST', '/conversations'], ['POST', `/conversations/${conversationId}`],
      ['POST', '/messages'], ['POST', '/messages/stream'],
    ];
    for (const body of odd) {
      for (const [method, path] of targets) {
        const r = await t.api(method, path, body);
        expectClientError(r, `${path} ${body.slice(0, 40)}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Odd query strings and path segments.
    for (const path of [
      '/conversations?bot_id[x]=1', '/conversations?page[]=1', '/conversations?includes[]=document_ids&per_page=1',
      '/conversations/%E0%A4%A', `/conversations/${'a'.repeat(2000)}`, '/messages?conversation_id[]=x',
      '/bots?per_page=99999999999999999999999',
    ]) {
      const r = await t.api('GET', path);
      expect(r.status, path).toBeLessThan(500);
      expect(r.text, path).not.toMatch(/\.ts:\d+|node_modules/);
    }
    // Still alive and well.
    expect((await t.api('GET', `/conversations/${conversationId}`)).status).toBe(200);
  });

  it('reads form bodies, and never answers odd ones with a 500', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await t.api('POST', '/conversations?includes=document_ids', `name=Form&bot_id=${t.botId}`, form);
    expect(ok.status).toBe(200);
    expect(ok.json.data).toMatchObject({ name: 'Form', bot_id: t.botId, document_ids: [] });
    const list = await t.api('POST', '/conversations', `name=f&bot_id=${t.botId}&document_ids[]=${encodeId('document', 5)}&document_ids[]=x`, form);
    expect(list.status).toBe(422);
    expect(list.json.errors).toEqual({ 'document_ids.1': ['The selected document ids.1 is invalid.'] });
    // A plain field and its `[]` form together: the later one wins, as in PHP.
    const mixed = await t.api('POST', '/conversations', `name=f&bot_id=${t.botId}&document_ids=abc&document_ids[]=x`, form);
    expect(mixed.status).toBe(422);
    expect(mixed.json.errors).toEqual({ 'document_ids.0': ['The selected document ids.0 is invalid.'] });
    const scalarLast = await t.api('POST', '/conversations', `name=f&bot_id=${t.botId}&document_ids[]=${encodeId('document', 6)}&document_ids=abc`, form);
    expect(scalarLast.status).toBe(422);
    expect(scalarLast.json.errors).toEqual({ document_ids: ['The document ids field must be an array.'] });
    for (const body of ['', '&&&', '=', '[]=1', 'name[]=a&name[]=b', '__proto__=x&constructor[]=y', 'name=%E0%A4%A', `name=${'x'.repeat(3000)}`]) {
      const r = await t.api('POST', '/conversations', body, form);
      expectClientError(r, `form ${body.slice(0, 40)}`);
    }
  });

  it('answers a CORS preflight with 204 and the access-control headers', async () => {
    const res = await fetch(`${parley.url}/api/v1/conversations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example', 'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/content-type/);
    // Actual responses, errors included, carry the origin header too.
    const denied = await request(`${parley.url}/api/v1/bots`, 'GET', undefined, { origin: 'https://app.example' });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends a request id with every answer', async () => {
    const r = await t.api('GET', '/bots');
    expect(r.headers.get('x-request-id')).toBeTruthy();
    const mine = await t.api('GET', '/bots', undefined, { 'x-request-id': 'trace-123' });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
  });

  it('answers router-level errors like every other error: request id, CORS, nosniff, {message}', async () => {
    const long = 'x'.repeat(1100);
    const cases: [string, string, number][] = [
      ['GET', '/api/v1/bots/%FF', 400], ['GET', '/api/v1/conversations/%E2%82', 400], ['PUT', '/stream/%FF', 400],
      ['PUT', '/uploads/%FF', 400], ['GET', `/api/v1/conversations/${long}`, 414], ['PUT', `/uploads/${long}`, 414],
      ['GET', '/api/v1/nope', 404], ['GET', '/nope', 404], ['DELETE', '/api/v1/bots', 404], ['GET', '/stream/%FF', 404],
    ];
    for (const [method, path, status] of cases) {
      for (const id of [undefined, 'trace-router-1']) {
        const headers: Record<string, string> = { authorization: `Bearer ${t.key}`, ...(id && { 'x-request-id': id }) };
        const r = await rawRequest(parley.url, method, path, headers);
        const label = `${method} ${path.slice(0, 40)}`;
        expect(r.status, label).toBe(status);
        expect(r.headers['x-request-id'], label).toEqual(id ?? expect.stringMatching(/^req-/));
        expect(r.headers['access-control-allow-origin'], label).toBe('*');
        expect(r.headers['x-content-type-options'], label).toBe('nosniff');
        expect(r.headers['content-type'], label).toMatch(/^application\/json/);
        const body = JSON.parse(r.body);
        expect(Object.keys(body), label).toEqual(['message']);
        // Words for a person, not the router's echo of the whole path.
        expect(body.message.length, label).toBeLessThan(200);
      }
    }
  });
});
