import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId, encodeId } from '../../src/transport/public-ids.js';
import { settled } from '../knowledge/knowledge-helpers.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/**
 * What published Cody clients do, replayed over real HTTP, each held to what that client reads:
 * the activepieces piece and a zod-validated client (usage, Bot.model), Pipedream's pickers
 * (page=0), a Netlify sync function (document status), widgets (200 on create), browser pages
 * (a CORS preflight before the PUT to a signed upload URL, a page's own request headers), a chat
 * page that pages back through `links.next`.
 */

/** The checks a zod client's schemas make, written out: a wrong type rejects the whole list. */
const isString = (v: unknown) => typeof v === 'string';
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

describe('published Cody clients against Parley', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let folderId: string;
  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['Hello', ' there'], usage: { prompt_tokens: 12, completion_tokens: 2 } };
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'gpt-4o-mini', LLM_CREDITS_PER_REPLY: '2' });
    t = await parley.tenant();
    folderId = (await t.api('POST', '/folders', { name: 'Docs' })).json.data.id;
  });
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
  });

  it('a browser page may PUT a file to the signed upload URL: the preflight allows PUT and Content-Type', async () => {
    const signed = await t.api('POST', '/uploads/signed-url', { file_name: 'notes.txt', content_type: 'text/plain' });
    expect(signed.status).toBe(200);
    const url = signed.json.data.url as string;
    // What a browser sends before a cross-origin PUT with a Content-Type of text/plain.
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')!.split(/,\s*/)).toContain('PUT');
    expect(preflight.headers.get('access-control-allow-headers')!.split(/,\s*/)).toContain('content-type');
    const put = await fetch(url, { method: 'PUT', body: 'Parking is on level 2.', headers: { origin: 'https://app.example.com', 'content-type': 'text/plain' } });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe('*');
    const doc = await t.api('POST', '/documents/file', { folder_id: folderId, key: signed.json.data.key });
    expect(doc.status).toBe(200);
    expect((await settled(t, doc.json.data.id)).status).toBe('synced');
  });

  it("Pipedream's pickers ask for page=0 and get the first page", async () => {
    for (const list of ['/bots', '/conversations']) {
      const zero = await t.api('GET', `${list}?page=0`);
      expect(zero.status, list).toBe(200);
      expect(zero.json, list).toEqual((await t.api('GET', `${list}?page=1`)).json);
      expect(zero.json.meta.pagination.current_page).toBe(1);
    }
  });

  it('GET /messages?includes=usage leaves usage out on user messages, and gives {tokens, credits} on replies', async () => {
    const c = (await t.api('POST', '/conversations', { name: 'usage', bot_id: t.botId })).json.data.id;
    const sent = await t.api('POST', '/messages', { content: 'hi', conversation_id: c });
    expect(sent.status).toBe(200);
    const list = await t.api('GET', `/messages?conversation_id=${c}&includes=usage`);
    const [reply, user] = list.json.data;
    expect(user.machine).toBe(false);
    expect(user).not.toHaveProperty('usage');
    expect(reply.machine).toBe(true);
    expect(isNumber(reply.usage.tokens) && isNumber(reply.usage.credits)).toBe(true);
    // Credits per reply come from LLM_CREDITS_PER_REPLY (per model in PARLEY_MODELS).
    expect(reply.usage).toEqual({ tokens: 14, credits: 2, prompt_tokens: 12, completion_tokens: 2, total_tokens: 14, estimated: false });
  });

  it('every bot has a string model and a description, in every published bot shape', async () => {
    const bots = await t.api('GET', '/bots');
    for (const b of bots.json.data) {
      expect(isString(b.id) && isString(b.name) && isString(b.model) && isNumber(b.created_at)).toBe(true);
      expect('description' in b).toBe(true);
    }
  });

  it('a sync client waits for synced or sync_failed', async () => {
    const signed = await t.api('POST', '/uploads/signed-url', { file_name: 'broken.pdf', content_type: 'application/pdf' });
    await fetch(signed.json.data.url, { method: 'PUT', body: 'not a pdf at all', headers: { 'content-type': 'application/pdf' } });
    const doc = await t.api('POST', '/documents/file', { folder_id: folderId, key: signed.json.data.key });
    expect(doc.json.data.status).toBe('syncing');
    const done = await settled(t, doc.json.data.id);
    expect(done.status).toBe('sync_failed');
    expect(['syncing', 'synced', 'sync_failed']).toContain((await t.api('GET', `/documents?folder_id=${folderId}`)).json.data[0].status);
  });

  it('every create answers 200, as the reference documents', async () => {
    const conversation = await t.api('POST', '/conversations', { name: 'widget', bot_id: t.botId });
    const folder = await t.api('POST', '/folders', { name: 'More' });
    const document = await t.api('POST', '/documents', { folder_id: folderId, name: 'Note', content: 'A note.' });
    const signed = await t.api('POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'text/plain' });
    expect([conversation.status, folder.status, document.status, signed.status]).toEqual([200, 200, 200, 200]);
  });

  it('lists newest first, 15 bots or conversations and 10 messages a page; ?order=oldest is Parley\'s own', async () => {
    const fresh = await parley.tenant();
    const made: string[] = [];
    for (let i = 0; i < 16; i++) made.push((await fresh.api('POST', '/conversations', { name: `c${i}`, bot_id: fresh.botId })).json.data.id);
    const page = await fresh.api('GET', '/conversations');
    expect(page.json.data.map((c: { id: string }) => c.id)).toEqual(made.slice(1).reverse());
    expect(page.json.meta.pagination).toMatchObject({ per_page: 15, total: 16, next_page: 2 });
    const oldest = await fresh.api('GET', '/conversations?order=oldest');
    expect(oldest.json.data[0].id).toBe(made[0]);
    expect((await fresh.api('GET', '/bots')).json.meta.pagination.per_page).toBe(15);
    for (let i = 0; i < 6; i++) await fresh.api('POST', '/messages', { content: `m${i}`, conversation_id: made[0] });
    const messages = await fresh.api('GET', `/messages?conversation_id=${made[0]}`);
    expect(messages.json.meta.pagination).toMatchObject({ per_page: 10, total: 12, next_page: 2 });
    expect(messages.json.data[1]).toMatchObject({ machine: false, content: 'm5' });
  });

  it('a chat page loads older messages from `links.next`, as the hosted service\'s pagination carries it', async () => {
    // kembene-nkem/bot-conversation, prime-node/src/Components/CodyChat.tsx: scrolled to the top, it
    // reads meta.pagination.links?.next and asks for that URL's `page` (Scripts/server/Cody.ts sends
    // `messages?conversation_id=…&page=N`). Its captured hosted answers carry
    // "links":{"next":"https://getcody.ai/api/v1/messages?page=2"}, and "links":{} on a single page.
    const fresh = await parley.tenant();
    const c = (await fresh.api('POST', '/conversations', { name: 'older', bot_id: fresh.botId })).json.data.id;
    for (let i = 0; i < 6; i++) await fresh.api('POST', '/messages', { content: `m${i}`, conversation_id: c });
    const first = await fresh.api('GET', `/messages?conversation_id=${c}&page=1`);
    const links = first.json.meta.pagination.links;
    expect(Object.keys(links)).toEqual(['next']);
    const next = new URL(links.next);
    expect(next.origin).toBe(parley.url);
    expect(next.pathname).toBe('/api/v1/messages');
    expect(next.searchParams.get('page')).toBe('2');
    // Beyond the hosted service's link: the filter stays, so following the URL itself works too.
    expect(next.searchParams.get('conversation_id')).toBe(c);
    const second = await request(links.next, 'GET', undefined, { authorization: `Bearer ${fresh.key}` });
    expect(second.json).toEqual((await fresh.api('GET', `/messages?conversation_id=${c}&page=2`)).json);
    expect(second.json.data.map((m: { content: string }) => m.content)).toEqual(['Hello there', 'm0']);
    expect(second.json.meta.pagination.links).toEqual({ previous: `${parley.url}/api/v1/messages?conversation_id=${c}&page=1` });
    expect((await fresh.api('GET', '/bots')).json.meta.pagination.links).toEqual({});
  });

  it('builds `links` from a Host header that is no URL host, as it is sent, rather than failing the list', async () => {
    // The links' base is the address the client reached (Host), which need not parse as a URL's host.
    const fresh = await parley.tenant();
    for (const name of ['one', 'two']) await fresh.api('POST', '/folders', { name });
    const port = new URL(parley.url).port;
    for (const host of ['a b', 'a%b', '[zz', 'a:99999']) {
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(
          `GET /api/v1/folders?per_page=1 HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${fresh.key}\r\nConnection: close\r\n\r\n`,
        ));
        socket.on('data', (d) => { text += d; }).on('end', () => resolve(text)).on('error', reject);
      });
      expect(answer.split('\r\n')[0], host).toBe('HTTP/1.1 200 OK');
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { meta: { pagination: { links: unknown } } };
      expect(body.meta.pagination.links).toEqual({ next: `http://${host}/api/v1/folders?per_page=1&page=2` });
    }
  });

  it("a page's own request headers pass the CORS preflight, as Laravel's default configuration lets them", async () => {
    // A React StreamChat component (stored file 5450288570; the index does not name its repository)
    // POSTs to /messages/stream from the browser with `headers: {…, credentials: "include"}`: a
    // header named `credentials`, which the browser asks the preflight about.
    const preflight = await fetch(`${parley.url}/api/v1/messages/stream`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com', 'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,credentials',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')!.split(/,\s*/)).toEqual(['authorization', 'content-type', 'credentials']);
    expect(preflight.headers.get('vary')).toMatch(/access-control-request-headers/i);
    // Without a list to answer, the headers Parley's own clients send.
    const bare = await fetch(`${parley.url}/api/v1/bots`, { method: 'OPTIONS' });
    expect(bare.headers.get('access-control-allow-headers')).toBe('authorization, content-type, last-event-id');
  });

  it('`curl -d` without a JSON content type gets a hint about the header, not "The name field is required."', async () => {
    const r = await t.api('POST', '/conversations', JSON.stringify({ name: 'x', bot_id: t.botId }), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(415);
    expect(r.json.message).toMatch(/Content-Type: application\/json/);
    expect(Object.keys(r.json)).toEqual(['message']);
  });
});

describe('ids of one kind are never taken for another', () => {
  let parley: RunningParley;
  let t: Tenant;
  const ids: Record<'account' | 'bot' | 'conversation' | 'message' | 'folder' | 'document', string> = {} as never;
  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
    const folder = (await t.api('POST', '/folders', { name: 'F' })).json.data.id;
    await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', folder)!]);
    const document = (await t.api('POST', '/documents', { folder_id: folder, name: 'D', content: 'Text.' })).json.data.id;
    const conversation = (await t.api('POST', '/conversations', { name: 'C', bot_id: t.botId })).json.data.id;
    const message = (await t.api('POST', '/messages', { content: 'q', conversation_id: conversation })).json.data.id;
    Object.assign(ids, { bot: t.botId, folder, document, conversation, message });
    ids.account = encodeId('account', t.account.id);
  });
  afterAll(() => parley?.stop());

  it('makes the first account, bot, conversation, folder, message and document all different ids', () => {
    expect(new Set(Object.values(ids)).size).toBe(6);
  });

  it('refuses each kind of id where another kind is expected, exactly as an unknown id', async () => {
    const pathRoutes: [string, string, keyof typeof ids, unknown?][] = [
      ['GET', '/conversations/:id', 'conversation'],
      ['POST', '/conversations/:id', 'conversation', { name: 'x', bot_id: 'BOT' }],
      ['DELETE', '/conversations/:id', 'conversation'],
      ['GET', '/messages/:id', 'message'],
      ['POST', '/messages/:id/stop', 'message'],
      ['GET', '/folders/:id', 'folder'],
      ['GET', '/documents/:id', 'document'],
      ['GET', '/documents/:id/content', 'document'],
    ];
    let tried = 0;
    for (const [method, route, kind, body] of pathRoutes) {
      const withBot = body && JSON.parse(JSON.stringify(body).replace('BOT', ids.bot));
      for (const other of Object.keys(ids) as (keyof typeof ids)[]) {
        if (other === kind) continue;
        const r = await t.api(method, route.replace(':id', ids[other]), withBot);
        expect(r.status, `${method} ${route} with a ${other} id`).toBe(404);
        tried++;
      }
    }
    const fields: [string, string, keyof typeof ids, (id: string) => unknown][] = [
      ['POST', '/conversations', 'bot', (id) => ({ name: 'x', bot_id: id })],
      ['POST', '/conversations', 'document', (id) => ({ name: 'x', bot_id: ids.bot, document_ids: [id] })],
      ['POST', '/messages', 'conversation', (id) => ({ content: 'x', conversation_id: id })],
      ['POST', '/messages/stream', 'conversation', (id) => ({ content: 'x', conversation_id: id, redirect: false })],
      ['POST', '/documents', 'folder', (id) => ({ folder_id: id, name: 'n', content: 'c' })],
    ];
    const before = (await t.api('GET', '/conversations')).json.meta.pagination.total;
    for (const [method, route, kind, make] of fields) {
      for (const other of Object.keys(ids) as (keyof typeof ids)[]) {
        if (other === kind) continue;
        const r = await t.api(method, route, make(ids[other]));
        expect(r.status, `${route} with a ${other} id as its ${kind} id`).toBe(422);
        expect(r.json.message).toMatch(/^The selected .* is invalid\.$/);
        tried++;
      }
    }
    // Filters: another kind's id matches nothing.
    for (const other of ['bot', 'folder', 'message', 'document'] as const) {
      expect((await t.api('GET', `/messages?conversation_id=${ids[other]}`)).json.data).toEqual([]);
    }
    expect((await t.api('GET', `/conversations?bot_id=${ids.conversation}`)).json.data).toEqual([]);
    expect((await t.api('GET', `/documents?folder_id=${ids.document}`)).json.data).toEqual([]);
    expect((await t.api('GET', '/conversations')).json.meta.pagination.total).toBe(before);
    expect(tried).toBeGreaterThan(60);
  });
});
