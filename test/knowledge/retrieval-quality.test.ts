import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sqliteRetriever } from '../../src/retriever/sqlite/sqlite-retriever.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-database.js';
import { evaluateRetrieval, formatReport, type EvalSet } from '../support/retrieval-eval.js';

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

  // Real public documents (READMEs of well-known libraries, see test/fixtures/readmes/SOURCES.md) and
  // the tuning questions; bench/retrieval-quality.ts also reports the held-out set.
  it('answers developers\' questions from real READMEs, and says "nothing found" when none answers', async () => {
    const readmes = JSON.parse(readFileSync(new URL('../fixtures/readme-questions.json', import.meta.url), 'utf8')) as EvalSet;
    const r = await evaluateRetrieval(new URL('../fixtures/readmes/', import.meta.url), readmes);
    console.log(`README retrieval (tuning set): ${formatReport(r)}\n  ${r.misses.join('\n  ')}`);
    // The levels measured when the ranking was last tuned: a change that lowers any of them is a regression.
    expect(r.questions).toBe(50);
    expect(r.hitAt1).toBeGreaterThanOrEqual(47);
    expect(r.hitAt3).toBe(50);
    expect(r.answerPhrase).toBeGreaterThanOrEqual(44);
    expect(r.sourcePrecision).toBeGreaterThanOrEqual(0.855);
    expect(r.nothingFound).toBe(r.unanswerable);
  });
});
