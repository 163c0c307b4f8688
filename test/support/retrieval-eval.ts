import { readdirSync, readFileSync } from 'node:fs';
import { extractiveAnswer, EXTRACTIVE_PASSAGES, NOTHING_FOUND } from '../../src/domain/extractive-answer.js';
import { sourcesOf } from '../../src/domain/grounding.js';
import { extractText } from '../../src/extract/extract-text.js';
import { formatOf } from '../../src/extract/file-formats.js';
import type { Retriever } from '../../src/retriever/retriever.js';
import { sqliteRetriever, type SqliteRetrieverOptions } from '../../src/retriever/sqlite/sqlite-retriever.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-database.js';

/** Questions with the document that answers each and a phrase of the answer; and questions nothing answers. */
export interface EvalSet {
  answerable: { question: string; document: string; answer: string }[];
  unanswerable: string[];
}

export interface EvalReport {
  questions: number;
  /** Answerable questions whose first passage is from the expected document. */
  hitAt1: number;
  /** … whose expected document is among the documents of the first three passages. */
  hitAt3: number;
  /** … whose extractive reply contains the answer phrase. */
  answerPhrase: number;
  /** Sources of the replies to answerable questions that are the expected document, over all their sources. */
  sourcePrecision: number;
  unanswerable: number;
  /** Unanswerable questions replied to with "nothing found". */
  nothingFound: number;
  /** One line per question that missed something, for reading. */
  misses: string[];
}

/**
 * Indexes every document of `dir` as an upload of that name would be (its format's converter, then
 * the SQLite retriever, or the one given, empty), then asks each question as the extractive mode does: the replies and
 * sources are the server's own functions.
 */
export async function evaluateRetrieval(
  dir: URL, set: EvalSet, options: SqliteRetrieverOptions = {},
  retriever: Retriever = sqliteRetriever(openSqlite(':memory:'), options),
): Promise<EvalReport> {
  const ids = new Map<string, number>();
  for (const name of readdirSync(dir).filter((n) => formatOf(n)).sort()) {
    ids.set(name, ids.size + 1);
    const text = await extractText(readFileSync(new URL(name, dir)), formatOf(name)!);
    await retriever.index({ accountId: 1, folderId: 1, documentId: ids.get(name)!, documentName: name, text });
  }
  const ask = async (question: string) => {
    const passages = await retriever.retrieve({ accountId: 1, folderIds: [1], query: question, limit: EXTRACTIVE_PASSAGES });
    return { passages, reply: extractiveAnswer(passages), sources: sourcesOf(passages) };
  };
  const flat = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

  const r: EvalReport = {
    questions: set.answerable.length, hitAt1: 0, hitAt3: 0, answerPhrase: 0, sourcePrecision: 0,
    unanswerable: set.unanswerable.length, nothingFound: 0, misses: [],
  };
  let sources = 0;
  let rightSources = 0;
  for (const q of set.answerable) {
    const expected = ids.get(q.document);
    if (!expected) throw new Error(`no document ${q.document} in ${dir.pathname}`);
    const { passages, reply, sources: refs } = await ask(q.question);
    const first = passages[0]?.documentId === expected;
    const top3 = passages.slice(0, 3).some((p) => p.documentId === expected);
    const phrase = flat(reply).includes(flat(q.answer));
    r.hitAt1 += Number(first);
    r.hitAt3 += Number(top3);
    r.answerPhrase += Number(phrase);
    sources += refs.length;
    rightSources += refs.filter((s) => s.documentId === expected).length;
    if (!first || !top3 || !phrase || refs.length > 1) {
      r.misses.push(`${q.question} → [${passages.map((p) => `${p.documentName}/${p.section.join(' › ')} ${p.score.toFixed(2)}`).join('; ') || 'nothing'}]` +
        `${phrase ? '' : ` (no "${q.answer}")`}`);
    }
  }
  r.sourcePrecision = sources ? rightSources / sources : 0;
  for (const question of set.unanswerable) {
    const { reply, passages } = await ask(question);
    if (reply === NOTHING_FOUND) r.nothingFound++;
    else r.misses.push(`${question} → unanswerable, got [${passages.map((p) => `${p.documentName}/${p.section.join(' › ')}`).join('; ')}]`);
  }
  return r;
}

/** The report as one line. */
export function formatReport(r: EvalReport): string {
  return `hit@1 ${r.hitAt1}/${r.questions}, hit@3 ${r.hitAt3}/${r.questions}, answer phrase ${r.answerPhrase}/${r.questions}, ` +
    `source precision ${(100 * r.sourcePrecision).toFixed(0)} %, nothing found ${r.nothingFound}/${r.unanswerable}`;
}
