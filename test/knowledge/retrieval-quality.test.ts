import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sqliteRetriever } from '../../src/retriever/sqlite/sqlite-retriever.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-database.js';

interface QualitySet {
  documents: { key: string; name: string; text: string }[];
  questions: { question: string; expected: string }[];
}

const set = JSON.parse(readFileSync(new URL('../fixtures/retrieval-quality.json', import.meta.url), 'utf8')) as QualitySet;

/** hit@3 must stay at least this: the share of questions whose document is among the first three results. */
const MIN_HIT_AT_3 = 0.8;

describe('retrieval quality', () => {
  it(`finds the right document in the top 3 for at least ${MIN_HIT_AT_3 * 100}% of the fixed questions`, async () => {
    const retriever = sqliteRetriever(openSqlite(':memory:'));
    const ids = new Map(set.documents.map((d, i) => [d.key, i + 1]));
    for (const d of set.documents) {
      await retriever.index({ accountId: 1, folderId: 1, documentId: ids.get(d.key)!, documentName: d.name, text: d.text });
    }
    const misses: string[] = [];
    let hits1 = 0;
    for (const q of set.questions) {
      const found = (await retriever.retrieve({ accountId: 1, folderIds: [1], query: q.question, limit: 3 })).map((h) => h.documentId);
      if (found[0] === ids.get(q.expected)) hits1++;
      if (!found.includes(ids.get(q.expected)!)) misses.push(`${q.question} (wanted ${q.expected})`);
    }
    const hitAt3 = 1 - misses.length / set.questions.length;
    console.log(`retrieval quality: hit@1 ${(hits1 / set.questions.length).toFixed(3)}, hit@3 ${hitAt3.toFixed(3)} ` +
      `over ${set.questions.length} questions${misses.length ? `; missed: ${misses.join('; ')}` : ''}`);
    expect(hitAt3).toBeGreaterThanOrEqual(MIN_HIT_AT_3);
  });
});
