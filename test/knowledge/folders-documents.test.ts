import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '../../src/transport/public-ids.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { addText, makeFolder, settled } from './knowledge-helpers.js';

describe('folders and documents', () => {
  let parley: RunningParley;
  let t: Tenant;
  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
  });
  afterAll(() => parley.stop());

  it('creates, lists, shows and renames folders', async () => {
    const created = await t.api('POST', '/folders', { name: 'Handbook' });
    expect(created.status).toBe(200);
    expect(created.json.data).toEqual({ id: expect.any(String), name: 'Handbook', created_at: expect.any(Number) });
    const id = created.json.data.id;
    await t.api('POST', '/folders', { name: 'Policies' });

    const list = await t.api('GET', '/folders?keyword=hand');
    expect(list.json.data.map((f: { name: string }) => f.name)).toEqual(['Handbook']);
    expect(list.json.meta.pagination).toMatchObject({ count: 1, total: 1 });

    expect((await t.api('GET', `/folders/${id}`)).json.data.name).toBe('Handbook');
    const renamed = await t.api('POST', `/folders/${id}`, { name: 'Staff handbook' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.data).toMatchObject({ id, name: 'Staff handbook' });
  });

  it('validates folders and hides other accounts\' folders', async () => {
    const bad = await t.api('POST', '/folders', {});
    expect(bad.status).toBe(422);
    expect(bad.json).toEqual({ message: 'The name field is required.', errors: { name: ['The name field is required.'] } });
    expect((await t.api('POST', '/folders', { name: 'x'.repeat(256) })).status).toBe(422);
    const other = await parley.tenant();
    const theirs = await makeFolder(other);
    expect((await t.api('GET', `/folders/${theirs}`)).status).toBe(404);
    expect((await t.api('POST', `/folders/${theirs}`, { name: 'mine now' })).status).toBe(404);
    expect((await t.api('GET', '/folders/nope')).status).toBe(404);
  });

  it('imports pasted text: syncing, then synced, with its text at content_url for its owner only', async () => {
    const folder = await makeFolder(t);
    const r = await t.api('POST', '/documents', { folder_id: folder, name: 'Opening hours', content: 'We open at nine.\n\nWe close at five.' });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ name: 'Opening hours', status: 'syncing', folder_id: folder, failure_reason: null });
    expect(Object.keys(r.json.data).sort()).toEqual(['content_url', 'created_at', 'failure_reason', 'folder_id', 'id', 'name', 'status']);
    const doc = await settled(t, r.json.data.id);
    expect(doc.status).toBe('synced');
    expect(doc.content_url).toBe(`${parley.url}/api/v1/documents/${doc.id}/content`);

    const content = await request(doc.content_url, 'GET', undefined, { authorization: `Bearer ${t.key}` });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(content.text).toBe('We open at nine.\n\nWe close at five.');
    expect((await request(doc.content_url, 'GET')).status).toBe(401);
    const other = await parley.tenant();
    expect((await request(doc.content_url, 'GET', undefined, { authorization: `Bearer ${other.key}` })).status).toBe(404);
  });

  it('keeps the readable text of pasted HTML', async () => {
    const folder = await makeFolder(t);
    const r = await t.api('POST', '/documents', {
      folder_id: folder, name: 'Menu', content: '<h1>Menu</h1><script>alert(1)</script><p>Soup &amp; bread</p>',
    });
    const doc = await settled(t, r.json.data.id);
    const text = (await t.api('GET', `/documents/${doc.id}/content`)).text;
    expect(text).toContain('Menu');
    expect(text).toContain('Soup & bread');
    expect(text).not.toContain('alert');
    expect(text).not.toContain('<p>');
  });

  it('keeps all the text of pasted Markdown whose code sample holds HTML, and finds it', async () => {
    const folder = await makeFolder(t);
    const md = '# Static pages\n\nServe a page like this one:\n\n```html\n<!DOCTYPE html>\n<html>\n<body>\n  <h1>Hello</h1>\n</body>\n</html>\n```\n\n' +
      '## Caching\n\nPages are cached for 600 seconds by the edge server.\n';
    const id = await addText(t, folder, 'Pages', md);
    expect((await t.api('GET', `/documents/${id}/content`)).text).toBe(md);
    const hits = await parley.app.retriever.retrieve({
      accountId: t.account.id, folderIds: [decodeId('folder', folder)!], query: 'How long are pages cached?', limit: 3,
    });
    expect(hits[0].passage).toBe('Caching\n\nPages are cached for 600 seconds by the edge server.');
  });

  it('validates documents: fields, unknown folder, content up to 768 KB', async () => {
    const folder = await makeFolder(t);
    const missing = await t.api('POST', '/documents', {});
    expect(missing.status).toBe(422);
    expect(Object.keys(missing.json.errors).sort()).toEqual(['content', 'folder_id', 'name']);
    const unknown = await t.api('POST', '/documents', { folder_id: 'aaaaaaaaaaaa', name: 'n', content: 'c' });
    expect(unknown.json).toEqual({ message: 'The selected folder id is invalid.', errors: { folder_id: ['The selected folder id is invalid.'] } });
    const other = await parley.tenant();
    const theirs = await makeFolder(other);
    expect((await t.api('POST', '/documents', { folder_id: theirs, name: 'n', content: 'c' })).status).toBe(422);
    expect((await t.api('POST', '/documents', { folder_id: folder, name: 'n', content: 42 })).json.errors.content)
      .toEqual(['The content field must be a string.']);

    const limit = 768 * 1024;
    expect((await t.api('POST', '/documents', { folder_id: folder, name: 'max', content: 'a'.repeat(limit) })).status).toBe(200);
    const big = await t.api('POST', '/documents', { folder_id: folder, name: 'big', content: 'a'.repeat(limit + 1) });
    expect(big.status).toBe(422);
    expect(big.json.errors.content).toEqual(['The content field must not be greater than 768 kilobytes.']);
    // Counted in bytes: 300,000 three-byte characters are 900,000 bytes.
    expect((await t.api('POST', '/documents', { folder_id: folder, name: 'wide', content: '€'.repeat(300_000) })).status).toBe(422);
  });

  it('lists documents by folder, keyword and conversation focus', async () => {
    const a = await makeFolder(t, 'A');
    const b = await makeFolder(t, 'B');
    const d1 = await addText(t, a, 'Travel policy', 'Book trains when the trip is under four hours.');
    const d2 = await addText(t, a, 'Expense policy', 'Receipts are needed for every expense.');
    const d3 = await addText(t, b, 'Travel FAQ', 'Questions about travel.');
    const names = async (q: string) => (await t.api('GET', `/documents?order=oldest&${q}`)).json.data.map((d: { id: string }) => d.id);
    expect(await names(`folder_id=${a}`)).toEqual([d1, d2]);
    expect(await names(`folder_id=${b}`)).toEqual([d3]);
    expect((await names('keyword=travel')).sort()).toEqual([d1, d3].sort());
    expect(await names('folder_id=garbage')).toEqual([]);

    await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', a)!, decodeId('folder', b)!]);
    const c = await t.api('POST', '/conversations', { name: 'Focus', bot_id: t.botId, document_ids: [d3, d1] });
    expect(c.status).toBe(200);
    expect(await names(`conversation_id=${c.json.data.id}`)).toEqual([d1, d3]);
  });

  it('deletes a document, its passages and its place in conversations', async () => {
    const folder = await makeFolder(t);
    await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', folder)!]);
    const id = await addText(t, folder, 'Wifi', 'The wifi password is hunter2.');
    const c = await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId, document_ids: [id] });
    const find = () => parley.app.retriever.retrieve({ accountId: t.account.id, folderIds: [decodeId('folder', folder)!], query: 'wifi password', limit: 5 });
    expect(await find()).toHaveLength(1);

    expect((await t.api('DELETE', `/documents/${id}`)).status).toBe(204);
    expect((await t.api('GET', `/documents/${id}`)).status).toBe(404);
    expect((await t.api('DELETE', `/documents/${id}`)).status).toBe(404);
    expect(await find()).toEqual([]);
    expect((await t.api('GET', `/conversations/${c.json.data.id}?includes=document_ids`)).json.data.document_ids).toEqual([]);
  });
});
