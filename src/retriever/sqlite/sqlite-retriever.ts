import { normalize } from '../embeddings/embedder.js';
import { embedQuestion } from '../embeddings/embed-question.js';
import { mostSimilar } from '../embeddings/most-similar.js';
import { compoundHead, ftsQueryOf, ftsString, namedTerms, queryTerms } from '../fts-query.js';
import { fuseHits } from '../fuse-hits.js';
import { DEFAULT_MIN_RELEVANCE, MIN_CANDIDATES, rankRows, termWeights, type TermHits } from '../relevance.js';
import { CANDIDATES_PER_RESULT, DEFAULT_MIN_SIMILARITY, type RetrievedPassage, type Retriever, type RetrieverOptions } from '../retriever.js';
import { identifierWords } from '../identifier-words.js';
import { splitPassages, type Passage } from '../split-passages.js';

/** The slice of better-sqlite3 this adapter needs. */
export interface SqliteLike {
  prepare(sql: string): {
    run(...args: unknown[]): unknown;
    all(...args: unknown[]): unknown[];
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  transaction(fn: (...args: any[]) => any): (...args: any[]) => any;
}

interface PassageRow { id: number; document_id: number; document_name: string; section: string; text: string; score: number }
/** A passage as read by id, with no score of its own. */
type PassageText = Omit<PassageRow, 'score'>;

/**
 * BM25 weights of the full-text columns (document name, section titles, passage text, the words of
 * its identifiers): a word in a document's name or in the titles above a passage says more about
 * what it is about than the same word in its body.
 */
const COLUMN_WEIGHTS = [3, 2, 1, 1];

/**
 * In a large index, a term found in more than this share of passages is dropped from a question:
 * it barely changes the ranking (BM25 gives it almost no weight) but makes the query score
 * nearly every passage. Small indexes are cheap to search whole, so they keep every term.
 */
const COMMON_TERM_SHARE = 0.2;
const COMMON_TERMS_FROM_PASSAGES = 2000;

/** The SQLite adapter takes the options every adapter does. */
export type SqliteRetrieverOptions = RetrieverOptions;

/**
 * Retrieval over the store's own SQLite database (tables `passages` and `passages_fts`, see
 * migrations 4, 6 and 9): BM25 full-text ranking, fused with cosine similarity when an embedder is given.
 */
export function sqliteRetriever(db: SqliteLike, options: SqliteRetrieverOptions = {}): Retriever {
  const { embedder, log } = options;
  // Below this cosine similarity a passage is unrelated, however few others there are.
  const minSimilarity = options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  const minRelevance = options.minRelevance ?? DEFAULT_MIN_RELEVANCE;
  const insert = db.prepare(`INSERT INTO passages (account_id, folder_id, document_id, document_name, ordinal, section, text, identifier_words)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
  const setEmbedding = db.prepare('UPDATE passages SET embedding = ? WHERE id = ?');
  // `+account_id` keeps SQLite from choosing the (account, folder) index, which would scan the
  // whole account for each document.
  const removeDoc = db.prepare('DELETE FROM passages WHERE +account_id = ? AND document_id = ?');
  const scope = `p.account_id = ? AND p.folder_id IN (SELECT value FROM json_each(?))
    AND (? IS NULL OR p.document_id IN (SELECT value FROM json_each(?)))`;
  // bm25() is lower for better matches; negated so that higher is better, as the port promises.
  const bm25 = `bm25(passages_fts, ${COLUMN_WEIGHTS.join(', ')})`;
  const fullText = db.prepare(`SELECT p.id, p.document_id, p.document_name, p.section, p.text, -${bm25} AS score
    FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
    WHERE passages_fts MATCH ? AND ${scope}
    ORDER BY ${bm25} LIMIT ?`);
  // Term statistics over the whole index, as BM25's own are.
  const passageCount = db.prepare('SELECT count(*) AS n FROM passages');
  const termCount = db.prepare('SELECT count(*) AS n FROM passages_fts WHERE passages_fts MATCH ?');
  // Which candidates have the term, and in which columns: bm25() with one column's weight is
  // non-zero exactly when that column matches, which spares a query per column.
  const termIn = db.prepare(`SELECT rowid AS id, bm25(passages_fts, 1, 0, 0, 0) AS name, bm25(passages_fts, 0, 0, 1, 1) AS body
    FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`);
  const vectors = db.prepare(`SELECT p.id, p.embedding FROM passages p WHERE p.embedding IS NOT NULL AND ${scope}`);
  // max(id) stands in for the passage count: close enough for a threshold, and instant.
  const approxPassages = db.prepare('SELECT coalesce(max(id), 0) AS n FROM passages');
  const termDocs = db.prepare('SELECT term, doc FROM passages_vocab WHERE term IN (SELECT value FROM json_each(?))');
  const byIds = db.prepare(`SELECT id, document_id, document_name, section, text FROM passages
    WHERE id IN (SELECT value FROM json_each(?))`);

  const replace = db.transaction((doc: Parameters<Retriever['index']>[0], passages: Passage[]) => {
    removeDoc.run(doc.accountId, doc.documentId);
    return passages.map((p, i) => (insert.all(
      doc.accountId, doc.folderId, doc.documentId, doc.documentName, i, JSON.stringify(p.section), p.text, identifierWords(p.text),
    )[0] as { id: number }).id);
  });
  const storeEmbeddings = db.transaction((ids: number[], vecs: Float32Array[]) => {
    ids.forEach((id, i) => setEmbedding.run(Buffer.from(normalize(vecs[i]).buffer), id));
  });

  /**
   * How many passages hold a term, each term counted once per question: withHeads asks of a
   * compound, and relevant asks again of the compound it keeps.
   */
  function termCounter(): (term: string) => number {
    const counts = new Map<string, number>();
    return (term) => {
      let n = counts.get(term);
      if (n === undefined) counts.set(term, n = (termCount.all(ftsString(term))[0] as { n: number }).n);
      return n;
    };
  }

  /** The question's terms without those too common to matter (see COMMON_TERM_SHARE). */
  function searchTerms(query: string, countOf: (term: string) => number): string[] {
    const terms = withHeads(queryTerms(query), countOf);
    if (terms.length < 2) return terms;
    const total = (approxPassages.all()[0] as { n: number }).n;
    if (total < COMMON_TERMS_FROM_PASSAGES) return terms;
    // The index holds stemmed terms: a word that stems differently is not found here and is kept.
    const docs = new Map((termDocs.all(JSON.stringify(terms)) as { term: string; doc: number }[]).map((r) => [r.term, r.doc]));
    const kept = terms.filter((t) => (docs.get(t) ?? 0) <= total * COMMON_TERM_SHARE);
    if (kept.length) return kept;
    // Every term is common: search for the two rarest rather than for nothing.
    return [...terms].sort((a, b) => docs.get(a)! - docs.get(b)!).slice(0, 2);
  }

  /** The terms, a compound no passage has (`sub-namespace`) replaced by its head (see compoundHead). */
  function withHeads(terms: string[], countOf: (term: string) => number): string[] {
    const out = terms.map((t) => {
      const head = compoundHead(t);
      return head && countOf(t) === 0 ? head : t;
    });
    return [...new Set(out)];
  }

  /** The candidates that reach the relevance floor, best first (see relevance.ts). */
  function relevant(rows: PassageRow[], terms: string[], named: Set<string>, countOf: (term: string) => number): PassageRow[] {
    if (!rows.length) return rows;
    const total = (passageCount.all()[0] as { n: number }).n;
    const ids = JSON.stringify(rows.map((r) => r.id));
    const counts: number[] = [];
    const hits: TermHits[] = [];
    for (const term of terms) {
      counts.push(countOf(term));
      const found = termIn.all(ftsString(term), ids) as { id: number; name: number; body: number }[];
      hits.push({
        anywhere: new Set(found.map((r) => r.id)),
        inText: new Set(found.filter((r) => r.body !== 0).map((r) => r.id)),
        inName: new Set(found.filter((r) => r.name !== 0).map((r) => r.id)),
      });
    }
    return rankRows(rows, hits, termWeights(total, counts, terms.map((t) => named.has(t))), minRelevance);
  }

  const passagesByIds = (ids: number[]) => byIds.all(JSON.stringify(ids)) as PassageText[];

  const toPassage = (r: PassageText, score: number): RetrievedPassage => ({
    documentId: r.document_id, documentName: r.document_name, section: JSON.parse(r.section) as string[], passage: r.text, score,
  });

  async function vectorSearch(query: string, args: unknown[], limit: number): Promise<number[] | undefined> {
    const q = await embedQuestion(embedder!, query, log);
    if (!q) return undefined;
    const rows = vectors.all(...args) as { id: number; embedding: Buffer }[];
    const stored = rows.map((r) => ({ id: r.id, vector: new Float32Array(r.embedding.buffer, r.embedding.byteOffset, r.embedding.byteLength / 4) }));
    return mostSimilar(q, stored, minSimilarity, limit);
  }

  return {
    async index(doc) {
      const passages = splitPassages(doc.text);
      const ids = replace(doc, passages);
      if (embedder && passages.length) {
        try {
          storeEmbeddings(ids, await embedder.embed(passages.map((p) => p.text)));
        } catch (err) {
          log?.warn({ err, documentId: doc.documentId }, 'could not embed the passages; the document is found by full text only');
        }
      }
      return { passages: passages.length };
    },

    async remove(accountId, documentId) {
      removeDoc.run(accountId, documentId);
    },

    async retrieve({ accountId, folderIds, documentIds, query, limit }) {
      if (!folderIds.length || limit <= 0) return [];
      const focus = documentIds?.length ? JSON.stringify(documentIds) : null;
      const args = [accountId, JSON.stringify(folderIds), focus, focus];
      const countOf = termCounter();
      const terms = searchTerms(query, countOf);
      const match = ftsQueryOf(terms);
      const perMethod = embedder ? limit * CANDIDATES_PER_RESULT : limit;
      const candidates = Math.max(MIN_CANDIDATES, perMethod);
      const found = match ? (fullText.all(match, ...args, candidates) as PassageRow[]) : [];
      const textRows = relevant(found, terms, namedTerms(query), countOf).slice(0, perMethod);
      if (!embedder) return textRows.map((r) => toPassage(r, r.score));

      const vectorIds = await vectorSearch(query, args, candidates);
      if (!vectorIds) return textRows.slice(0, limit).map((r) => toPassage(r, r.score));
      return (await fuseHits(textRows, vectorIds, limit, passagesByIds)).map((f) => toPassage(f.row, f.score));
    },
  };
}
