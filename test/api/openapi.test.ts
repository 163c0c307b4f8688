import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../support/route-table.js';
import { request, startParley, type ApiResponse, type RunningParley, type Tenant } from '../support/start-parley.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Operation = { responses: Record<string, { content?: Record<string, { schema: object }>; headers?: Record<string, object> }> };

describe('the OpenAPI document (GET /openapi.json) and the reference (GET /docs)', () => {
  let parley: RunningParley;
  let t: Tenant;
  let doc: any;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validators = new Map<object, ValidateFunction>();
  const checked = new Set<string>();

  /** Holds a real answer to what the document says of this operation and status. */
  function conforms(method: string, path: string, r: ApiResponse): void {
    const op: Operation | undefined = doc.paths[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path} is documented`).toBeDefined();
    const answer = op!.responses[String(r.status)];
    expect(answer, `${method} ${path} documents ${r.status} (${r.text.slice(0, 200)})`).toBeDefined();
    for (const header of Object.keys(answer.headers ?? {})) expect(r.headers.get(header), `${method} ${path} ${r.status}: ${header}`).toBeTruthy();
    const content = answer.content;
    if (!content) expect(r.text, `${method} ${path} ${r.status} has no body`).toBe('');
    else if (content['application/json']) {
      const schema = content['application/json'].schema;
      // Named schemas are referred to in the document's components.
      const validate = validators.get(schema) ?? ajv.compile({ ...schema, components: doc.components });
      validators.set(schema, validate);
      expect(validate(r.json), `${method} ${path} ${r.status}: ${JSON.stringify(validate.errors)} in ${r.text.slice(0, 300)}`).toBe(true);
    } else {
      const [type] = Object.keys(content);
      expect(r.headers.get('content-type'), `${method} ${path} ${r.status}`).toContain(type);
    }
    checked.add(`${method} ${path}`);
  }

  /** Calls the API as the tenant and holds the answer to the document. */
  async function call(method: string, path: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const r = await request(`${parley.url}${url}`, method, body, { authorization: `Bearer ${t.key}`, ...headers });
    conforms(method, path, r);
    return r;
  }

  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
    const r = await request(`${parley.url}/openapi.json`, 'GET');
    expect(r.status).toBe(200);
    doc = r.json;
  });
  afterAll(() => parley?.stop());

  it('is a valid OpenAPI 3.1 document, served without an API key', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const fact of ['text/event-stream', '{"chunk"', '[END]', 'event: failure', 'Last-Event-ID', '204']) {
      expect(doc.paths['/stream/{token}'].get.description, fact).toContain(fact);
    }
  });

  it('names every route fastify serves under /api/v1, and no other', () => {
    const served = routeTable(parley.app.server).filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`).sort();
    const documented = Object.entries(doc.paths as Record<string, object>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => r.split(' ')[1].startsWith('/api/v1/'))
      .sort();
    expect(served.length).toBeGreaterThan(20);
    expect(documented).toEqual(served);
  });

  it('holds real answers of every route, successes and refusals, to their documented schemas', async () => {
    const v1 = '/api/v1';
    await call('GET', `${v1}/bots`, '/api/v1/bots?keyword=Test');
    await call('GET', `${v1}/bots`, '/api/v1/bots?per_page=0');
    conforms('GET', `${v1}/bots`, await request(`${parley.url}/api/v1/bots`, 'GET'));

    // Folders and documents.
    const folder = (await call('POST', `${v1}/folders`, '/api/v1/folders', { name: 'Manuals' })).json.data;
    await call('POST', `${v1}/folders`, '/api/v1/folders', {});
    await call('POST', `${v1}/folders`, '/api/v1/folders', 'plain text', { 'content-type': 'text/plain' });
    await call('GET', `${v1}/folders`, '/api/v1/folders?order=oldest');
    await call('GET', `${v1}/folders/{id}`, `/api/v1/folders/${folder.id}`);
    await call('GET', `${v1}/folders/{id}`, '/api/v1/folders/nope');
    await call('POST', `${v1}/folders/{id}`, `/api/v1/folders/${folder.id}`, { name: 'Handbooks' });
    await call('POST', `${v1}/folders/{id}`, `/api/v1/folders/${folder.id}`, { name: '' });

    const document = (await call('POST', `${v1}/documents`, '/api/v1/documents', { name: 'Wifi', content: 'The wifi password is tulip-42.', folder_id: folder.id })).json.data;
    await call('POST', `${v1}/documents`, '/api/v1/documents', { name: 'x', content: 'y', folder_id: 'junk' });
    await call('POST', `${v1}/documents/webpage`, '/api/v1/documents/webpage', { folder_id: folder.id, url: 'http://127.0.0.1:1/nothing' });
    await call('POST', `${v1}/documents/webpage`, '/api/v1/documents/webpage', { folder_id: folder.id, url: 'ftp://example' });
    const signed = (await call('POST', `${v1}/uploads/signed-url`, '/api/v1/uploads/signed-url', { file_name: 'notes.txt', content_type: 'text/plain' })).json.data;
    await call('POST', `${v1}/uploads/signed-url`, '/api/v1/uploads/signed-url', { file_name: 'notes.txt', content_type: 'no type' });
    const put = await request(signed.url, 'PUT', 'Meeting notes: the launch is on Friday.', { 'content-type': 'text/plain' });
    conforms('PUT', '/uploads/{token}', put);
    conforms('PUT', '/uploads/{token}', await request(signed.url, 'PUT', 'again', { 'content-type': 'text/plain' }));
    await call('POST', `${v1}/documents/file`, '/api/v1/documents/file', { folder_id: folder.id, key: signed.key });
    await call('POST', `${v1}/documents/file`, '/api/v1/documents/file', { folder_id: folder.id });
    await call('GET', `${v1}/documents`, `/api/v1/documents?folder_id=${folder.id}`);
    await call('GET', `${v1}/documents`, '/api/v1/documents?page=x');
    for (let i = 0; i < 100; i++) {
      const r = await call('GET', `${v1}/documents/{id}`, `/api/v1/documents/${document.id}`);
      if (r.json.data.status !== 'syncing') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await call('GET', `${v1}/documents/{id}`, '/api/v1/documents/nope');
    await call('GET', `${v1}/documents/{id}/content`, `/api/v1/documents/${document.id}/content`);
    await call('GET', `${v1}/documents/{id}/content`, '/api/v1/documents/nope/content');

    // Conversations and messages (the bot answers in extractive mode: no model is configured).
    const conversation = (await call('POST', `${v1}/conversations`, '/api/v1/conversations', { name: 'Chat', bot_id: t.botId })).json.data;
    await call('POST', `${v1}/conversations`, '/api/v1/conversations', { name: 'Chat', bot_id: t.botId, document_ids: ['junk'] });
    await call('GET', `${v1}/conversations`, '/api/v1/conversations?includes=document_ids');
    await call('GET', `${v1}/conversations`, '/api/v1/conversations?per_page=101');
    await call('GET', `${v1}/conversations/{id}`, `/api/v1/conversations/${conversation.id}?includes=document_ids`);
    await call('GET', `${v1}/conversations/{id}`, '/api/v1/conversations/nope');
    await call('POST', `${v1}/conversations/{id}`, `/api/v1/conversations/${conversation.id}`, { name: 'Renamed', bot_id: t.botId });
    await call('POST', `${v1}/conversations/{id}`, `/api/v1/conversations/${conversation.id}`, { name: 'Renamed' });

    const sent = (await call('POST', `${v1}/messages`, '/api/v1/messages', { content: 'What is the wifi password?', conversation_id: conversation.id })).json.data;
    await call('POST', `${v1}/messages`, '/api/v1/messages', { content: '', conversation_id: conversation.id });
    const stream = (await call('POST', `${v1}/messages/stream`, '/api/v1/messages/stream', { content: 'And again?', conversation_id: conversation.id, redirect: false })).json.data;
    await call('POST', `${v1}/messages/stream`, '/api/v1/messages/stream', { content: 'Once more?', conversation_id: conversation.id });
    await call('POST', `${v1}/messages/stream`, '/api/v1/messages/stream', { content: 'x', conversation_id: conversation.id, redirect: 'yes' });
    const events = await request(stream.stream_url, 'GET');
    conforms('GET', '/stream/{token}', events);
    expect(events.text).toContain('data: [END]');
    conforms('GET', '/stream/{token}', await request(stream.stream_url, 'GET', undefined, { 'last-event-id': 'end' }));
    conforms('GET', '/stream/{token}', await request(`${parley.url}/stream/nope`, 'GET'));
    await call('GET', `${v1}/messages`, `/api/v1/messages?conversation_id=${conversation.id}&includes=sources,usage`);
    await call('GET', `${v1}/messages`, '/api/v1/messages?order=sideways');
    await call('GET', `${v1}/messages/{id}`, `/api/v1/messages/${sent.id}?includes=sources`);
    await call('GET', `${v1}/messages/{id}`, '/api/v1/messages/nope');
    await call('POST', `${v1}/messages/{id}/stop`, `/api/v1/messages/${stream.reply_id}/stop`);
    await call('POST', `${v1}/messages/{id}/stop`, '/api/v1/messages/nope/stop');

    const limited = await parley.tenant({ messageLimit: 0 });
    const limitedChat = await request(`${parley.url}/api/v1/conversations`, 'POST', { name: 'Chat', bot_id: limited.botId }, { authorization: `Bearer ${limited.key}` });
    conforms('POST', `${v1}/messages`, await request(`${parley.url}/api/v1/messages`, 'POST',
      { content: 'Hi', conversation_id: limitedChat.json.data.id }, { authorization: `Bearer ${limited.key}` }));

    await call('DELETE', `${v1}/documents/{id}`, `/api/v1/documents/${document.id}`);
    await call('DELETE', `${v1}/documents/{id}`, `/api/v1/documents/${document.id}`);
    await call('DELETE', `${v1}/conversations/{id}`, `/api/v1/conversations/${conversation.id}`);
    await call('DELETE', `${v1}/conversations/{id}`, `/api/v1/conversations/${conversation.id}`);

    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect([...checked].sort()).toEqual(documented.sort());
  });

  it('documents the refusal of a rate-limited key (429) as it is answered', async () => {
    const limited = await startParley({ RATE_LIMIT: '1/1m' });
    try {
      const tenant = await limited.tenant();
      const auth = { authorization: `Bearer ${tenant.key}` };
      await request(`${limited.url}/api/v1/bots`, 'GET', undefined, auth);
      const r = await request(`${limited.url}/api/v1/bots`, 'GET', undefined, auth);
      expect(r.status).toBe(429);
      conforms('GET', '/api/v1/bots', r);
    } finally {
      await limited.stop();
    }
  });

  it('serves the reference at /docs: a page whose scripts and styles are files of this server', async () => {
    const page = await request(`${parley.url}/docs`, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // `data:,` is the empty icon (so that no /favicon.ico is asked for): nothing to fetch.
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((a) => a !== 'data:,');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      // Nothing from elsewhere: every asset is a path on this server.
      expect(asset, asset).toMatch(/^\/(?!\/)/);
      const r = await request(`${parley.url}${asset}`, 'GET');
      expect(r.status, asset).toBe(200);
      expect(r.text.length, asset).toBeGreaterThan(0);
    }
    expect((await request(`${parley.url}/docs/reference.js`, 'GET')).text).toContain("'/openapi.json'");
    expect((await request(`${parley.url}/docs/__proto__`, 'GET')).status).toBe(404);
  });
});
