import { describe, expect, it } from 'vitest';
import type { Retriever } from '../../src/retriever/retriever.js';

/** The behaviour every Retriever adapter must have; run it from each adapter's test file. */
export function retrieverContract(name: string, make: () => Promise<Retriever>): void {
  describe(`Retriever contract: ${name}`, () => {
    const doc = (documentId: number, text: string, folderId = 1, accountId = 1) =>
      ({ accountId, folderId, documentId, documentName: `doc ${documentId}`, text });

    it('finds the passage that answers a question, best first', async () => {
      const r = await make();
      await r.index(doc(1, 'The office cat is called Biscuit and sleeps on the printer.'));
      await r.index(doc(2, 'Invoices are paid within thirty days of receipt.'));
      const hits = await r.retrieve({ accountId: 1, folderIds: [1], query: 'When are invoices paid?', limit: 3 });
      expect(hits[0]).toMatchObject({ documentId: 2, documentName: 'doc 2' });
      expect(hits[0].passage).toContain('thirty days');
    });

    it('keeps to the account, the folders and the focus documents', async () => {
      const r = await make();
      await r.index(doc(1, 'Refunds take five days.', 1, 1));
      await r.index(doc(2, 'Refunds take ten days.', 2, 1));
      await r.index(doc(3, 'Refunds take one day.', 1, 2));
      const ids = async (q: Parameters<Retriever['retrieve']>[0]) => (await r.retrieve(q)).map((h) => h.documentId).sort();
      expect(await ids({ accountId: 1, folderIds: [1], query: 'refunds', limit: 10 })).toEqual([1]);
      expect(await ids({ accountId: 1, folderIds: [1, 2], query: 'refunds', limit: 10 })).toEqual([1, 2]);
      expect(await ids({ accountId: 1, folderIds: [1, 2], documentIds: [2], query: 'refunds', limit: 10 })).toEqual([2]);
      expect(await ids({ accountId: 1, folderIds: [], query: 'refunds', limit: 10 })).toEqual([]);
    });

    it('forgets a removed document and replaces a re-indexed one', async () => {
      const r = await make();
      await r.index(doc(1, 'Parking is in the basement.'));
      await r.index(doc(1, 'Parking is on the roof.'));
      let hits = await r.retrieve({ accountId: 1, folderIds: [1], query: 'parking', limit: 10 });
      expect(hits.map((h) => h.passage)).toEqual(['Parking is on the roof.']);
      await r.remove(1, 1);
      hits = await r.retrieve({ accountId: 1, folderIds: [1], query: 'parking', limit: 10 });
      expect(hits).toEqual([]);
    });

    it('takes any text as a question without failing', async () => {
      const r = await make();
      await r.index(doc(1, 'Quotes "and" stars * and NEAR(things) are plain words here: OR AND NOT.'));
      for (const query of ['"', '***', 'NEAR(', 'a AND', 'col:umn', '(((', '-', 'NOT', "'; DROP TABLE x", '', '   ', '🙂', 'ünïcödé', 'x'.repeat(5000)]) {
        await expect(r.retrieve({ accountId: 1, folderIds: [1], query, limit: 5 })).resolves.toBeInstanceOf(Array);
      }
      expect((await r.retrieve({ accountId: 1, folderIds: [1], query: 'NEAR stars', limit: 5 })).length).toBe(1);
    });

    it('opens a passage at each heading and gives each its section\'s title path', async () => {
      const r = await make();
      await r.index(doc(1, '# Handbook\n\n## Parking\n\nCars go to the basement.\n\n## Lunch\n\nThe canteen opens at noon.'));
      const [hit] = await r.retrieve({ accountId: 1, folderIds: [1], query: 'When does the canteen open?', limit: 1 });
      expect(hit).toMatchObject({ passage: 'Lunch\n\nThe canteen opens at noon.', section: ['Handbook', 'Lunch'] });
    });

    it('matches numbers and identifiers as whole terms', async () => {
      const r = await make();
      await r.index(doc(1, 'We sold 4 crates and 90 boxes. '.repeat(3)));
      await r.index(doc(2, 'Express delivery costs 4.90 euros.'));
      await r.index(doc(3, 'Set log_level in the config to see more.'));
      expect((await r.retrieve({ accountId: 1, folderIds: [1], query: 'Is it 4.90?', limit: 3 }))[0].documentId).toBe(2);
      expect((await r.retrieve({ accountId: 1, folderIds: [1], query: 'log_level', limit: 3 }))[0].documentId).toBe(3);
    });

    it('finds a hyphenated compound the documents never write whole by its last word', async () => {
      const r = await make();
      await r.index(doc(1, 'A logger can make a child logger with a longer namespace.'));
      await r.index(doc(2, 'The well-known office cat sleeps on the printer.'));
      const [hit] = await r.retrieve({ accountId: 1, folderIds: [1], query: 'How do I make a sub-namespace?', limit: 3 });
      expect(hit?.documentId).toBe(1);
      // A compound the documents do write is still matched whole.
      expect((await r.retrieve({ accountId: 1, folderIds: [1], query: 'well-known', limit: 3 }))[0]?.documentId).toBe(2);
    });

    it('splits a long document into several passages', async () => {
      const r = await make();
      const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} talks about topic${i} at some length. `.repeat(4));
      const { passages } = await r.index(doc(1, paragraphs.join('\n\n')));
      expect(passages).toBeGreaterThan(5);
      const hits = await r.retrieve({ accountId: 1, folderIds: [1], query: 'topic37', limit: 2 });
      expect(hits[0].passage).toContain('topic37');
    });
  });
}
