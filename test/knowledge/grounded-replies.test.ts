import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_FOUND } from '../../src/domain/extractive-answer.js';
import { NOTHING_IN_KNOWLEDGE_BASE } from '../../src/domain/grounding.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, readSse } from '../support/sse-reader.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { addText, makeFolder } from './knowledge-helpers.js';


const REFUNDS = 'Refunds are issued within 14 days of purchase when the product is returned unopened.';
const SHIPPING = 'Shipping to Norway takes five working days; express delivery takes two.';

/** A tenant whose bot reads one folder holding the refunds and shipping documents. */
async function knowledgeTenant(parley: RunningParley) {
  const t = await parley.tenant();
  const folder = await makeFolder(t, 'Policies');
  const refunds = await addText(t, folder, 'Refund policy', REFUNDS);
  const shipping = await addText(t, folder, 'Shipping times', SHIPPING);
  await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', folder)!]);
  return { t, refunds, shipping };
}

async function ask(t: Tenant, content: string, documentIds?: string[]) {
  const c = await t.api('POST', '/conversations', { name: 'kb', bot_id: t.botId, document_ids: documentIds });
  const sent = await t.api('POST', '/messages/stream', { content, conversation_id: c.json.data.id, redirect: false });
  const read = await readSse(sent.json.data.stream_url);
  const stored = await t.api('GET', `/messages/${sent.json.data.reply_id}?includes=sources`);
  const sources = read.events.find((e) => e.event === 'sources');
  return { read, text: assemble(read.events), sources: sources && JSON.parse(sources.data).data, stored: stored.json.data };
}

describe('grounded replies with a model', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let kb: Awaited<ReturnType<typeof knowledgeTenant>>;

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted' });
    kb = await knowledgeTenant(parley);
  });
  afterAll(async () => {
    await parley.stop();
    await upstream.stop();
  });

  it('puts the relevant passages in the prompt and cites them on the stream and the message', async () => {
    upstream.scripts.set('How long do refunds take?', { chunks: ['Within ', '14 days.'] });
    const r = await ask(kb.t, 'How long do refunds take?');
    const prompt = upstream.requests.at(-1)!.body.messages;
    const grounding = prompt.find((m) => m.role === 'system' && m.content.includes('knowledge base'))!;
    expect(grounding.content).toContain(REFUNDS);
    expect(grounding.content).toContain('Refund policy');
    expect(prompt.at(-1)).toEqual({ role: 'user', content: 'How long do refunds take?' });

    expect(r.text).toBe('Within 14 days.');
    const refunds = r.sources.find((s: { document_id: string }) => s.document_id === kb.refunds);
    expect(refunds).toMatchObject({ type: 'written', document_id: kb.refunds, document_name: 'Refund policy' });
    expect(refunds.document_url).toMatch(new RegExp(`/api/v1/documents/${kb.refunds}/content$`));
    expect(typeof refunds.created_at).toBe('number');
    // `event: sources` comes before [END], and the message keeps the same list.
    const names = r.read.events.map((e) => (e.event === 'message' ? e.data.slice(0, 7) : e.event));
    expect(names.indexOf('sources')).toBeLessThan(names.lastIndexOf('[END]'));
    expect(r.stored.sources.data).toEqual(r.sources);

    const content = await kb.t.api('GET', new URL(refunds.document_url).pathname.replace('/api/v1', ''));
    expect(content.text).toContain('14 days');
  });

  it('restricts sources to the focus documents of the conversation', async () => {
    const r = await ask(kb.t, 'How long do refunds and shipping take?', [kb.shipping]);
    expect(r.sources.map((s: { document_id: string }) => s.document_id)).toEqual([kb.shipping]);
    const grounding = upstream.requests.at(-1)!.body.messages.find((m) => m.content.includes('knowledge base'))!;
    expect(grounding.content).not.toContain(REFUNDS);
  });

  it('sends no passages and no sources for a bot that reads no folder', async () => {
    const plain = await parley.tenant();
    const r = await ask(plain, 'How long do refunds take?');
    expect(r.sources).toBeUndefined();
    expect(upstream.requests.at(-1)!.body.messages.some((m) => m.content.includes('knowledge base'))).toBe(false);
    expect(r.stored.sources).toEqual({ data: [] });
  });

  it('tells the model plainly when the knowledge base has nothing on the question', async () => {
    upstream.scripts.set('How many days does a cat sleep?', { chunks: ['The knowledge base does not say.'] });
    const r = await ask(kb.t, 'How many days does a cat sleep?');
    const system = upstream.requests.at(-1)!.body.messages.filter((m) => m.role === 'system').map((m) => m.content);
    expect(system).toContain(NOTHING_IN_KNOWLEDGE_BASE);
    expect(system.join('\n')).not.toContain(REFUNDS);
    expect(r.sources).toBeUndefined();
  });

  it('replays the sources from the store to a late reader', async () => {
    const r = await ask(kb.t, 'Shipping to Norway?');
    expect(r.sources[0].document_id).toBe(kb.shipping);
    const list = await kb.t.api('GET', `/messages?includes=sources&per_page=100`);
    const withSources = list.json.data.filter((m: { sources: { data: unknown[] } }) => m.sources.data.length);
    expect(withSources.length).toBeGreaterThanOrEqual(2);
  });
});

describe('extractive mode: no model configured', () => {
  let parley: RunningParley;
  let kb: Awaited<ReturnType<typeof knowledgeTenant>>;

  beforeAll(async () => {
    parley = await startParley();
    kb = await knowledgeTenant(parley);
  });
  afterAll(() => parley.stop());

  it('quotes the most relevant passage with its document name, streamed, with sources', async () => {
    const r = await ask(kb.t, 'How long does shipping to Norway take?');
    expect(r.text).toContain('From "Shipping times"');
    expect(r.text).toContain(SHIPPING);
    expect(r.read.events.filter((e) => e.data.startsWith('{"chunk"')).length).toBeGreaterThan(5);
    expect(r.sources[0].document_id).toBe(kb.shipping);
    expect(r.stored.content).toBe(r.text);
    expect(r.stored.failed_responding).toBe(false);
  });

  it('says plainly when the knowledge base has nothing on the question', async () => {
    const r = await ask(kb.t, 'What is the airspeed velocity of an unladen swallow?');
    expect(r.text).toBe(NOTHING_FOUND);
    expect(r.sources).toBeUndefined();
  });

  it('says "nothing found" to a question that shares only one common word with the documents', async () => {
    // "days" is in both documents; "cat" and "sleep" in none.
    const r = await ask(kb.t, 'How many days does a cat sleep?');
    expect(r.text).toBe(NOTHING_FOUND);
    expect(r.sources).toBeUndefined();
  });

  it('answers a bot without folders the same plain way, never failing', async () => {
    const plain = await parley.tenant();
    const r = await ask(plain, 'anything');
    expect(r.text).toBe(NOTHING_FOUND);
    expect(r.stored.failed_responding).toBe(false);
  });
});
