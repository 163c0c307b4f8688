import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, ParleyError } from '../../client/src/index.js';
import { settled } from '../knowledge/knowledge-helpers.js';
import { CuttingProxy } from '../support/cutting-proxy.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/** The typed client (client/) against a real Parley over real HTTP, with a scripted model. */
describe('@parley/client', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let client: ParleyClient;

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted' });
    t = await parley.tenant();
    client = new ParleyClient({ baseUrl: parley.url, apiKey: t.key });
  });
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
  });

  it('lists bots and makes, reads, renames, lists and deletes conversations', async () => {
    const bots = await client.bots.list({ per_page: 5 });
    expect(bots.data.map((b) => b.id)).toEqual([t.botId]);
    expect(bots.meta.pagination).toMatchObject({ total: 1, per_page: 5, current_page: 1 });

    const made = await client.conversations.create({ name: 'First', bot_id: t.botId });
    expect(made).toMatchObject({ name: 'First', bot_id: t.botId });
    expect(await client.conversations.get(made.id, { includes: ['document_ids'] }))
      .toMatchObject({ id: made.id, document_ids: [] });
    expect(await client.conversations.update(made.id, { name: 'Renamed', bot_id: t.botId }))
      .toMatchObject({ id: made.id, name: 'Renamed' });
    const listed = await client.conversations.list({ bot_id: t.botId, keyword: 'Renamed' });
    expect(listed.data.map((c) => c.id)).toEqual([made.id]);
    expect(await client.conversations.delete(made.id)).toBeUndefined();
    await expect(client.conversations.get(made.id)).rejects.toMatchObject({ status: 404 });
  });

  it('sends blocking, lists and reads messages with their usage, and stops a finished reply harmlessly', async () => {
    const c = await client.conversations.create({ name: 'Blocking', bot_id: t.botId });
    const reply = await client.messages.send({ conversation_id: c.id, content: 'Hi' });
    expect(reply).toMatchObject({ content: 'Hello, world!', machine: true, failed_responding: false });
    const page = await client.messages.list({ conversation_id: c.id, includes: ['usage', 'sources'] });
    expect(page.data.map((m) => m.content).sort()).toEqual(['Hello, world!', 'Hi']);
    const read = await client.messages.get(reply.id, { includes: ['usage'] });
    expect(read.usage).toBeTruthy();
    expect((await client.messages.stop(reply.id)).content).toBe('Hello, world!');
  });

  it('streams a reply chunk by chunk with its usage, and opens its URL again to replay it', async () => {
    upstream.scripts.set('Count', { chunks: ['one ', 'two ', 'three'], usage: { prompt_tokens: 3, completion_tokens: 3 } });
    const c = await client.conversations.create({ name: 'Stream', bot_id: t.botId });
    const stream = await client.messages.stream({ conversation_id: c.id, content: 'Count' });
    expect(stream.replyId).toMatch(/\S/);
    expect(stream.messageId).toMatch(/\S/);
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.join('')).toBe('one two three');
    expect(stream).toMatchObject({ text: 'one two three', finished: true, failure: null, reconnects: 0 });
    expect(stream.usage).toBeTruthy();

    const again = client.messages.openStream(stream.url);
    expect(await again.collect()).toBe('one two three');
    // From the end's id on there is nothing more: the server answers 204 and the stream is done.
    const after = client.messages.openStream(stream.url, { lastEventId: 'end' });
    expect(await after.collect()).toBe('');
    expect(after.finished).toBe(true);
  });

  it('resumes by itself with Last-Event-ID when the connection is cut mid-stream', async () => {
    const words = Array.from({ length: 12 }, (_, i) => `w${i} `);
    upstream.scripts.set('Resume me', { chunks: words, intervalMs: 40 });
    const proxy = await new CuttingProxy({ host: '127.0.0.1', port: Number(new URL(parley.url).port) }).start();
    try {
      // The first stream connection is cut once two chunks have come through it.
      proxy.cut = (head, response) =>
        proxy.cuts === 0 && head.startsWith('GET /stream/') && (response.match(/"chunk"/g) ?? []).length >= 2;
      const viaProxy = new ParleyClient({ baseUrl: proxy.url, apiKey: t.key });
      const c = await viaProxy.conversations.create({ name: 'Resume', bot_id: t.botId });
      const stream = await viaProxy.messages.stream({ conversation_id: c.id, content: 'Resume me' }, { retryMs: 50 });
      expect(stream.url.startsWith(`${proxy.url}/stream/`)).toBe(true);
      const chunks: string[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(proxy.cuts).toBe(1);
      expect(stream.reconnects).toBe(1);
      // Nothing lost, nothing repeated.
      expect(chunks.join('')).toBe(words.join(''));
      const streamRequests = proxy.requests.filter((h) => h.startsWith('GET /stream/'));
      expect(streamRequests).toHaveLength(2);
      expect(streamRequests[1]).toMatch(/last-event-id: \d+\r\n/i);
    } finally {
      await proxy.stop();
    }
  });

  it('gives a failed reply\'s reason on the stream, and rejects the blocking send with it', async () => {
    upstream.scripts.set('Break', { chunks: ['Partial ', 'answer'], failAfter: 1 });
    const c = await client.conversations.create({ name: 'Fails', bot_id: t.botId });
    const stream = await client.messages.stream({ conversation_id: c.id, content: 'Break' });
    await stream.collect();
    expect(stream.finished).toBe(true);
    expect(stream.failure).toMatch(/\S/);
    expect((await client.messages.get(stream.replyId!)).failed_responding).toBe(true);

    upstream.scripts.set('Refuse', { status: 400, body: '{"error":{"message":"bad request upstream"}}' });
    const error = await client.messages.send({ conversation_id: c.id, content: 'Refuse' }).catch((e) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error.status).toBe(500);
    expect(error.message).toBe(error.body.message);
  });

  it('makes folders and documents, uploads a file through the signed URL, and reads its text', async () => {
    const folder = await client.folders.create({ name: 'Docs' });
    expect(await client.folders.get(folder.id)).toMatchObject({ id: folder.id, name: 'Docs' });
    expect(await client.folders.update(folder.id, { name: 'Policies' })).toMatchObject({ name: 'Policies' });
    expect((await client.folders.list({ keyword: 'Polic' })).data.map((f) => f.id)).toEqual([folder.id]);

    const pasted = await client.documents.create({ name: 'Refunds', folder_id: folder.id, content: 'Refunds take 14 days.' });
    expect(pasted).toMatchObject({ name: 'Refunds', folder_id: folder.id });
    const uploaded = await client.documents.upload({
      folder_id: folder.id, file_name: 'shipping.txt', content_type: 'text/plain', body: 'Shipping takes five days.',
    });
    expect((await settled(t, uploaded.id)).status).toBe('synced');
    expect(await client.documents.content(uploaded.id)).toContain('Shipping takes five days.');
    expect((await client.documents.get(uploaded.id)).name).toBe('shipping.txt');

    const web = await client.documents.createFromWebpage({ folder_id: folder.id, url: 'https://example.invalid/page' });
    expect(web.folder_id).toBe(folder.id);
    const listed = await client.documents.list({ folder_id: folder.id, per_page: 100 });
    expect(listed.data.map((d) => d.id).sort()).toEqual([pasted.id, uploaded.id, web.id].sort());
    expect(await client.documents.delete(pasted.id)).toBeUndefined();
    await expect(client.documents.get(pasted.id)).rejects.toMatchObject({ status: 404 });

    const signed = await client.uploads.signedUrl({ file_name: 'a.txt', content_type: 'text/plain' });
    await client.uploads.put(signed.url, 'x', 'text/plain');
    // A signed URL works once.
    await expect(client.uploads.put(signed.url, 'x', 'text/plain')).rejects.toBeInstanceOf(ParleyError);
  });

  it('maps refusals to ParleyError with the status and the Cody error body', async () => {
    const anonymous = new ParleyClient({ baseUrl: parley.url, apiKey: 'parley_wrong' });
    const unauthenticated = await anonymous.bots.list().catch((e) => e);
    expect(unauthenticated).toBeInstanceOf(ParleyError);
    expect(unauthenticated).toMatchObject({ status: 401, unauthenticated: true, body: { message: 'Unauthenticated.' } });

    const invalid = await client.conversations.create({ name: '', bot_id: t.botId }).catch((e) => e);
    expect(invalid).toMatchObject({ status: 422, invalid: true, message: 'The name field is required.' });
    expect(invalid.fieldErrors).toEqual({ name: ['The name field is required.'] });
    expect(invalid.request).toBe('POST /conversations');

    const limited = await parley.tenant({ messageLimit: 1 });
    const limitedClient = new ParleyClient({ baseUrl: parley.url, apiKey: limited.key });
    const c = await limitedClient.conversations.create({ name: 'Quota', bot_id: limited.botId });
    await limitedClient.messages.send({ conversation_id: c.id, content: 'one' });
    const quota = await limitedClient.messages.stream({ conversation_id: c.id, content: 'two' }).catch((e) => e);
    expect(quota).toMatchObject({ status: 402, quotaExceeded: true });
    expect(quota.message).toMatch(/message limit/);

    // A stream URL that is not one is refused, not retried.
    const bogus = client.messages.openStream(`${parley.url}/stream/not-a-token`);
    await expect(bogus.collect()).rejects.toMatchObject({ status: 404 });
  });

  it('works as built: the bundle in client/dist (what the package and the playground ship)', async () => {
    const built = await import('../../client/dist/parley-client.js' as string) as typeof import('../../client/src/index.js');
    const bots = await new built.ParleyClient({ baseUrl: parley.url, apiKey: t.key }).bots.list();
    expect(bots.data[0].id).toBe(t.botId);
  });
});
