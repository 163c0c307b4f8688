import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '../../src/transport/public-ids.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/test-services.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { addText, makeFolder } from './knowledge-helpers.js';

const available = await postgresAvailable();

/** The whole server on PostgreSQL: its store and its retriever, each with its own migrations. */
describe.runIf(available)('a Parley on PostgreSQL answers from its knowledge base', () => {
  let database: TestDatabase;
  let parley: RunningParley;
  let t: Tenant;
  beforeAll(async () => {
    database = await createTestDatabase('knowledge');
    parley = await startParley({ DATABASE_URL: database.url });
    t = await parley.tenant();
  });
  afterAll(async () => {
    await parley?.stop();
    await database?.drop();
  });

  it('imports a document, answers from it with its source in extractive mode, and forgets it when deleted', async () => {
    const folder = await makeFolder(t, 'Handbook');
    await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', folder)!]);
    const doc = await addText(t, folder, 'Office', '# Office\n\n## Wifi\n\nThe guest wifi password is tulip-42.\n\n## Parking\n\nParking is on level 2.');
    const conversation = (await t.api('POST', '/conversations', { name: 'pg', bot_id: t.botId })).json.data.id;
    const reply = await t.api('POST', '/messages', { content: 'What is the wifi password?', conversation_id: conversation });
    expect(reply.status).toBe(200);
    expect(reply.json.data.content).toContain('tulip-42');
    const listed = await t.api('GET', `/messages?conversation_id=${conversation}&includes=sources`);
    expect(listed.json.data[0].sources.data).toEqual([expect.objectContaining({ document_id: doc, document_name: 'Office' })]);

    expect((await t.api('DELETE', `/documents/${doc}`)).status).toBe(204);
    const after = await t.api('POST', '/messages', { content: 'What is the wifi password?', conversation_id: conversation });
    expect(after.json.data.content).toBe('I could not find anything about that in the knowledge base.');
  });
});
