import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, sendForStream } from '../support/sse-reader.js';
import { startParley } from '../support/start-parley.js';

describe('graceful shutdown with replies in flight', () => {
  let upstream: ScriptedOpenAi;
  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
  });
  afterAll(() => upstream.stop());

  it('lets a reply that fits in the grace period finish, and its reader gets all of it', async () => {
    const parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted', SHUTDOWN_GRACE: '5s' });
    const t = await parley.tenant();
    upstream.scripts.set('finish me', { chunks: ['one ', 'two ', 'three'], intervalMs: 150 });
    const sent = await sendForStream(t, await newConversation(t), 'finish me');
    const reading = readSse(sent.stream_url);
    await new Promise((r) => setTimeout(r, 100));
    await parley.app.close();
    const read = await reading;
    expect(assemble(read.events)).toBe('one two three');
    expect(read.events.at(-1)!.data).toBe('[END]');
    expect(read.events.some((e) => e.event === 'failure')).toBe(false);
    const store = await openStore(parley.config.databaseUrl);
    const reply = await store.messages.get(t.account.id, decodeId('message', sent.reply_id)!);
    expect(reply).toMatchObject({ status: 'done', content: 'one two three' });
    await store.close();
    await parley.stop();
  });

  it('does not wait for readers to drop connections of streams that ended during the grace period', async () => {
    const parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted', SHUTDOWN_GRACE: '5s' });
    const t = await parley.tenant();
    upstream.scripts.set('quick', { chunks: ['a', 'b'], intervalMs: 50 });
    upstream.scripts.set('slower', { chunks: ['c', 'd'], intervalMs: 400 });
    const conversation = await newConversation(t);
    const quick = await sendForStream(t, conversation, 'quick');
    const slower = await sendForStream(t, conversation, 'slower');
    // Closing starts once both readers hold their streams (a reader arriving after would be refused).
    let opened = 0;
    let bothOpen!: () => void;
    const open = new Promise<void>((r) => (bothOpen = r));
    const readings = [quick, slower].map((s) => readSse(s.stream_url, { onOpen: () => ++opened === 2 && bothOpen() }));
    await open;
    const started = Date.now();
    await parley.app.close();
    // Both replies end well within the grace period; the close must not then wait for the
    // readers' keep-alive connections (fetch keeps them for 4 s).
    expect(Date.now() - started).toBeLessThan(3000);
    const [a, b] = await Promise.all(readings);
    expect(assemble(a.events)).toBe('ab');
    expect(assemble(b.events)).toBe('cd');
    await parley.stop();
  });

  it('fails a reply still running when the grace period ends: the reader gets what there was, an error and [END]', async () => {
    const parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted', SHUTDOWN_GRACE: '300ms' });
    const t = await parley.tenant();
    upstream.scripts.set('too long', { chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), intervalMs: 100 });
    const sent = await sendForStream(t, await newConversation(t), 'too long');
    const reading = readSse(sent.stream_url);
    await new Promise((r) => setTimeout(r, 250));
    await parley.app.close();
    const read = await reading;
    const text = assemble(read.events);
    expect(text.length).toBeGreaterThan(0);
    const error = read.events.find((e) => e.event === 'failure');
    expect(JSON.parse(error!.data).message).toBe('The server shut down before the reply was finished.');
    expect(read.events.at(-1)!.data).toBe('[END]');
    const store = await openStore(parley.config.databaseUrl);
    const reply = await store.messages.get(t.account.id, decodeId('message', sent.reply_id)!);
    expect(reply).toMatchObject({ status: 'failed', content: 'The server shut down before the reply was finished.' });
    // The message went back to the quota.
    expect(await store.messages.countInWindow(t.account.id, Date.now())).toBe(0);
    await store.close();
    await parley.stop();
  });
});
