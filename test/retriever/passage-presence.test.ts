import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresPassagePresence } from '../../src/retriever/postgres/postgres-passage-presence.js';
import { postgresRetriever } from '../../src/retriever/postgres/postgres-retriever.js';
import type { Retriever } from '../../src/retriever/retriever.js';
import { sqlitePassagePresence } from '../../src/retriever/sqlite/sqlite-passage-presence.js';
import { sqliteRetriever } from '../../src/retriever/sqlite/sqlite-retriever.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-database.js';
import { freshRetrieverDatabase, type RetrieverDatabase } from '../support/fresh-retriever-database.js';
import { postgresAvailable } from '../support/test-services.js';

type Presence = (accountId: number, folderIds: number[]) => Promise<boolean>;

/** What both adapters' presence checks must answer: a "no" only when the folders really hold nothing. */
function presenceCases(name: string, make: () => Promise<{ retriever: Retriever; holds: Presence; holdsAfresh: () => Presence }>) {
  describe(`passage presence: ${name}`, () => {
    const doc = (documentId: number, folderId: number, accountId = 1) =>
      ({ accountId, folderId, documentId, documentName: `doc ${documentId}`, text: 'Refunds take five days.' });

    it('says which folders of which account hold passages', async () => {
      const { retriever, holds } = await make();
      expect(await holds(1, [1])).toBe(false);
      await retriever.index(doc(1, 1));
      await retriever.index(doc(2, 3, 2));
      expect(await holds(1, [1])).toBe(true);
      expect(await holds(1, [2])).toBe(false);
      expect(await holds(1, [2, 1])).toBe(true);
      expect(await holds(1, [3])).toBe(false); // account 2's folder id
      expect(await holds(2, [3])).toBe(true);
      expect(await holds(1, [])).toBe(false);
    });

    it('sees a document indexed after it answered no, and one removed when asked afresh', async () => {
      const { retriever, holds, holdsAfresh } = await make();
      expect(await holds(1, [1])).toBe(false);
      await retriever.index(doc(1, 1));
      expect(await holds(1, [1])).toBe(true);
      await retriever.remove(1, 1);
      expect(await holdsAfresh()(1, [1])).toBe(false);
    });
  });
}

presenceCases('sqlite', async () => {
  const db = openSqlite(':memory:');
  return { retriever: sqliteRetriever(db), holds: sqlitePassagePresence(db), holdsAfresh: () => sqlitePassagePresence(db) };
});

const available = await postgresAvailable();

describe.runIf(available)('passage presence on PostgreSQL', () => {
  let database: RetrieverDatabase;
  beforeAll(async () => {
    database = await freshRetrieverDatabase('presence');
  });
  afterAll(async () => {
    await database?.close();
  });
  presenceCases('postgres', async () => {
    await database.empty();
    const { pool } = database;
    return { retriever: postgresRetriever(pool), holds: postgresPassagePresence(pool), holdsAfresh: () => postgresPassagePresence(pool) };
  });
});
