import { inTransaction, type PgPool } from '../../store/postgres/postgres-database.js';
import { normalize } from '../embeddings/embedder.js';
import { embedQuestion } from '../embeddings/embed-question.js';
import { compoundHead, namedTerms, queryTerms } from '../fts-query.js';
import { identifierWords } from '../identifier-words.js';
import { fuseHits } from '../fuse-hits.js';
import { DEFAULT_MIN_RELEVANCE, MIN_CANDIDATES, rankRows, termWeights } from '../relevance.js';
import { CANDIDATES_PER_RESULT, DEFAULT_MIN_SIMILARITY, type RetrievedPassage, type Retriever, type RetrieverOptions, type RetrieveQuery } from '../retriever.js';
import { splitPassages } from '../split-passages.js';
import { realArrayVectors, type PassageVectors } from './passage-vectors.js';
import { params, termQuery } from './term-query.js';

interface Row { id: number; document_id: number; document_name: string; section: string[]; text: string; score: number }
/** A passage as read by id, with no score of its own. */
type PassageText = Omit<Row, 'score'>;

/**
 * ts_rank's weights for the vector's labels {D, C, B, A}: the document's name (A) and the titles
 * above a passage (B) say more about it than its text (C), as the SQLite index's 3 : 2 : 1.
 */
const RANK_WEIGHTS = '{0, 0.33, 0.67, 1}';
/**
 * ts_rank's length normalisation: 16 divides by 1 + the logarithm of the passage's number of
 * distinct words. Chosen on the tuning questions (test/fixtures/readme-questions.json): 1 (by its
 * number of words) quoted the answer for 40 of 50, 16 for 43 (SQLite's BM25: 44).
 */
const RANK_NORMALIZATION = 16;

/**
 * Retrieval in PostgreSQL with its own text search: a weighted `tsvector` per passage under a GIN
 * index (see retriever-migrations.ts), ranked with ts_rank and held to the same relevance floor as
 * the SQLite adapter (relevance.ts), fused with cosine similarity when an embedder is given. The
 * vectors are compared by pgvector where it is installed, or here (passage-vectors.ts).
 */
export function postgresRetriever(
  pool: PgPool, options: RetrieverOptions & { vectors?: PassageVectors } = {},
): Retriever & { close(): Promise<void> } {
  const { embedder, log } = options;
  const vectors = options.vectors ?? realArrayVectors(pool);
  const minSimilarity = options.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  const minRelevance = options.minRelevance ?? DEFAULT_MIN_RELEVANCE;

  /** The scope of a query as SQL over `p`, its values added to `ps`. */
  function scope(q: RetrieveQuery, ps: ReturnType<typeof params>): string {
    const focus = q.documentIds?.length ? ` AND p.document_id = ANY(${ps.add(q.documentIds)}::bigint[])` : '';
    return `p.account_id = ${ps.add(q.accountId)} AND p.folder_id = ANY(${ps.add(q.folderIds)}::bigint[])${focus}`;
  }

  async function fullText(q: RetrieveQuery, terms: string[], candidates: number): Promise<Row[]> {
    const ps = params();
    const any = `(${terms.map((t) => termQuery(t, ps.add)).join(' || ')})`;
    const where = scope(q, ps);
    const { rows } = await pool.query<Row>(`SELECT p.id, p.document_id, p.document_name, p.section, p.text,
        ts_rank('${RANK_WEIGHTS}', p.search, ${any}, ${RANK_NORMALIZATION}) AS score
      FROM retriever_passages p WHERE p.search @@ ${any} AND ${where}
      ORDER BY score DESC, p.id LIMIT ${ps.add(candidates)}`, ps.values);
    return rows;
  }

  /** The terms, a compound no passage has (`sub-namespace`) replaced by its head (see compoundHead). */
  async function withHeads(terms: string[]): Promise<string[]> {
    const compounds = terms.filter((t) => compoundHead(t));
    if (!compounds.length) return terms;
    const ps = params();
    const found = compounds.map((t) => `EXISTS (SELECT 1 FROM retriever_passages WHERE search @@ ${termQuery(t, ps.add)})`);
    const { rows: [row] } = await pool.query<Record<string, boolean>>(`SELECT ${found.map((f, i) => `${f} AS c${i}`).join(', ')}`, ps.values);
    const absent = new Set(compounds.filter((_, i) => !row[`c${i}`]));
    return [...new Set(terms.map((t) => (absent.has(t) ? compoundHead(t)! : t)))];
  }

  /** The candidates that reach the relevance floor, best first (relevance.ts, as the SQLite adapter). */
  async function relevant(rows: Row[], terms: string[], named: Set<string>): Promise<Row[]> {
    if (!rows.length) return rows;
    const ps = params();
    const ids = ps.add(rows.map((r) => r.id));
    const cols = terms.map((t, i) => {
      const q = termQuery(t, ps.add);
      return `(SELECT count(*) FROM retriever_passages WHERE search @@ ${q}) AS n${i},
        array_agg(p.id) FILTER (WHERE p.search @@ ${q}) AS any${i},
        array_agg(p.id) FILTER (WHERE ts_filter(p.search, '{c}') @@ ${q}) AS text${i},
        array_agg(p.id) FILTER (WHERE ts_filter(p.search, '{a}') @@ ${q}) AS name${i}`;
    });
    const { rows: [stats] } = await pool.query<Record<string, number | number[] | null>>(
      `SELECT (SELECT count(*) FROM retriever_passages) AS total, ${cols.join(', ')}
       FROM retriever_passages p WHERE p.id = ANY(${ids}::bigint[])`, ps.values);
    const total = stats.total as number;
    const set = (key: string) => new Set((stats[key] as number[] | null) ?? []);
    const weights = termWeights(total, terms.map((_, i) => stats[`n${i}`] as number), terms.map((t) => named.has(t)));
    const hits = terms.map((_, i) => ({ anywhere: set(`any${i}`), inText: set(`text${i}`), inName: set(`name${i}`) }));
    return rankRows(rows, hits, weights, minRelevance);
  }

  async function vectorSearch(q: RetrieveQuery, limit: number): Promise<number[] | undefined> {
    const v = await embedQuestion(embedder!, q.query, log);
    if (!v) return undefined;
    const ps = params();
    const where = scope(q, ps);
    return vectors.nearest({ vector: v, scope: where, values: ps.values, minSimilarity, limit });
  }

  async function passagesByIds(ids: number[]): Promise<PassageText[]> {
    const { rows } = await pool.query<PassageText>(`SELECT id, document_id, document_name, section, text
      FROM retriever_passages WHERE id = ANY($1::bigint[])`, [ids]);
    return rows;
  }

  const toPassage = (r: PassageText, score: number): RetrievedPassage => ({
    documentId: r.document_id, documentName: r.document_name, section: r.section, passage: r.text, score,
  });

  return {
    async index(doc) {
      const passages = splitPassages(doc.text);
      const ids: number[] = [];
      await inTransaction(pool, async (db) => {
        await db.query('DELETE FROM retriever_passages WHERE account_id = $1 AND document_id = $2', [doc.accountId, doc.documentId]);
        if (!passages.length) return;
        const { rows } = await db.query<{ id: number }>(`INSERT INTO retriever_passages
            (account_id, folder_id, document_id, document_name, ordinal, section, section_text, text, identifier_words)
          SELECT $1, $2, $3, $4, ord - 1, section::jsonb, section_text, text, words
          FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS t(section, section_text, text, words, ord)
          ORDER BY ord RETURNING id`, [
          doc.accountId, doc.folderId, doc.documentId, doc.documentName,
          passages.map((p) => JSON.stringify(p.section)), passages.map((p) => p.section.join('\n')),
          passages.map((p) => p.text), passages.map((p) => identifierWords(p.text)),
        ]);
        ids.push(...rows.map((r) => r.id));
      });
      if (embedder && passages.length) {
        try {
          const embedded = await embedder.embed(passages.map((p) => p.text));
          await inTransaction(pool, async (db) => {
            for (const [i, id] of ids.entries()) {
              await vectors.write(db, id, normalize(embedded[i]));
            }
          });
        } catch (err) {
          log?.warn({ err, documentId: doc.documentId }, 'could not embed the passages; the document is found by full text only');
        }
      }
      return { passages: passages.length };
    },

    async remove(accountId, documentId) {
      await pool.query('DELETE FROM retriever_passages WHERE account_id = $1 AND document_id = $2', [accountId, documentId]);
    },

    async retrieve(q) {
      if (!q.folderIds.length || q.limit <= 0) return [];
      const terms = await withHeads(queryTerms(q.query));
      const perMethod = embedder ? q.limit * CANDIDATES_PER_RESULT : q.limit;
      const candidates = Math.max(MIN_CANDIDATES, perMethod);
      const found = terms.length ? await fullText(q, terms, candidates) : [];
      const textRows = (await relevant(found, terms, namedTerms(q.query))).slice(0, perMethod);
      if (!embedder) return textRows.map((r) => toPassage(r, r.score));
      const vectorIds = await vectorSearch(q, candidates);
      if (!vectorIds) return textRows.slice(0, q.limit).map((r) => toPassage(r, r.score));
      return (await fuseHits(textRows, vectorIds, q.limit, passagesByIds)).map((f) => toPassage(f.row, f.score));
    },

    close: () => pool.end(),
  };
}
