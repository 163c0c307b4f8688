import { scaledTestForm } from '../support/test-services.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveForConversation } from '../../src/domain/retrieve-for-conversation.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { ScriptedEmbeddings } from '../support/scripted-embeddings.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { addText, makeFolder } from './knowledge-helpers.js';

const CAR = 'Company cars must be parked in the underground garage overnight.';
const LUNCH = 'Lunch is served in the canteen from noon until two.';

async function setUp(parley: RunningParley) {
  const t = await parley.tenant();
  const folder = await makeFolder(t);
  const car = await addText(t, folder, 'Cars', CAR);
  const lunch = await addText(t, folder, 'Canteen', LUNCH);
  await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', folder)!]);
  const ask = (query: string, documentIds?: string[]) => parley.app.retriever.retrieve({
    accountId: t.account.id, folderIds: [decodeId('folder', folder)!], documentIds: documentIds?.map((d) => decodeId('document', d)!), query, limit: 3,
  });
  return { t, folder, car, lunch, ask };
}

describe('retrieval with full text only', () => {
  let parley: RunningParley;
  beforeAll(async () => {
    parley = await startParley();
  });
  afterAll(() => parley.stop());

  it('ranks by BM25 and cannot see synonyms', async () => {
    const { car, ask } = await setUp(parley);
    const hits = await ask('Where are company cars parked?');
    expect(hits[0]).toMatchObject({ documentId: decodeId('document', car), documentName: 'Cars', passage: CAR });
    expect(hits[0].score).toBeGreaterThan(0);
    expect(await ask('Where does the automobile go?')).toEqual([]);
  });

  // The SQLite index's own ranking (which of two weak matches is filler); the retriever contract holds every adapter to the rest.
  it.skipIf(scaledTestForm)('restricts a conversation to its bot\'s folders and its focus documents', async () => {
    const { t, car, lunch } = await setUp(parley);
    const c = await t.api('POST', '/conversations', { name: 'focus', bot_id: t.botId, document_ids: [lunch] });
    const folderIds = await parley.app.store.botFolders.list(t.bot.id);
    const q = { accountId: t.account.id, folderIds, conversationId: decodeId('conversation', c.json.data.id)!, limit: 5 };
    const focused = await retrieveForConversation(parley.app.store, parley.app.retriever, { ...q, query: 'cars lunch' });
    expect(focused.map((h) => h.documentId)).toEqual([decodeId('document', lunch)]);
    const open = await t.api('POST', '/conversations', { name: 'open', bot_id: t.botId });
    const all = await retrieveForConversation(parley.app.store, parley.app.retriever,
      { ...q, conversationId: decodeId('conversation', open.json.data.id)!, query: 'cars lunch' });
    expect(all.map((h) => h.documentId).sort()).toEqual([decodeId('document', car), decodeId('document', lunch)].sort());
    expect(await retrieveForConversation(parley.app.store, parley.app.retriever, { ...q, folderIds: [], query: 'cars lunch' })).toEqual([]);
  });
});

describe('hybrid retrieval with an embeddings endpoint', () => {
  let embeddings: ScriptedEmbeddings;
  let parley: RunningParley;
  beforeAll(async () => {
    embeddings = await new ScriptedEmbeddings().start();
    parley = await startParley({
      EMBEDDINGS_BASE_URL: embeddings.baseUrl, EMBEDDINGS_API_KEY: 'emb-key', EMBEDDINGS_MODEL: 'test-embed',
    });
  });
  afterAll(async () => {
    await parley.stop();
    await embeddings.stop();
  });

  it('embeds passages and questions, and fuses both rankings', async () => {
    const { car, lunch, ask } = await setUp(parley);
    expect(embeddings.requests.some((r) => r.input.includes(CAR))).toBe(true);
    expect(embeddings.requests.every((r) => r.model === 'test-embed' && r.authorization === 'Bearer emb-key')).toBe(true);

    // No word in common with the passage: only the vectors can find it.
    const synonyms = await ask('Where does the automobile go?');
    expect(synonyms[0]).toMatchObject({ documentId: decodeId('document', car), passage: CAR });
    // Both methods agree: first by a wide margin.
    const both = await ask('When is lunch served?');
    expect(both[0].documentId).toBe(decodeId('document', lunch));
    expect(both[0].score).toBeGreaterThan(both[1]?.score ?? 0);
    // Focus still applies to the vector side.
    expect((await ask('automobile', [lunch])).map((h) => h.documentId)).not.toContain(decodeId('document', car));
  });

  it('falls back to full text when the endpoint fails', async () => {
    const { car, ask } = await setUp(parley);
    embeddings.failWith = 503;
    try {
      const hits = await ask('company cars parked');
      expect(hits[0].documentId).toBe(decodeId('document', car));
    } finally {
      embeddings.failWith = undefined;
    }
  });
});
