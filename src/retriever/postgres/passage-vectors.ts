import type { Logger } from '../../domain/logger.js';
import { inTransaction, type PgPool, type PgQueryable } from '../../store/postgres/postgres-database.js';
import { mostSimilar } from '../embeddings/most-similar.js';

/** Where the passages' vectors are compared: in PostgreSQL by pgvector, or here over `real[]`. */
export type VectorMethod = 'pgvector' | 'real[]';

/** The nearest passages to a (normalised) question vector, within a scope given as SQL over `p`. */
export interface NearestQuery {
  vector: Float32Array;
  /** A condition over `p` (retriever_passages), its values in `values` as `$1…`. */
  scope: string;
  values: unknown[];
  minSimilarity: number;
  limit: number;
}

export interface PassageVectors {
  readonly method: VectorMethod;
  /** Keeps a passage's (normalised) vector. */
  write(db: PgQueryable, passageId: number, vector: Float32Array): Promise<void>;
  /** Passage ids, most similar first, none below `minSimilarity`. */
  nearest(q: NearestQuery): Promise<number[]>;
}

/**
 * Held while one process adds pgvector's column, so that two starting together do not race. Its
 * own key: …001 is the store's migrations, …002 the retriever's, …003 the blob store's.
 */
const SETUP_LOCK = 7_411_320_004;

/**
 * The vectors of the passages. `real[]` (retriever_passages.embedding) is always written: it is
 * what works on any PostgreSQL. Where the `vector` extension is in the database, or available and
 * this role may create it, each vector is also kept in a pgvector column and the nearest passages
 * are found by PostgreSQL (`<=>`, an exact scan within the query's scope: an approximate index
 * would filter by account and folder after the fact and return too few). Without it, the scope's
 * vectors are read and compared here. Any failure to set pgvector up leaves the `real[]` method.
 */
export async function openPassageVectors(pool: PgPool, log?: Logger): Promise<PassageVectors> {
  if (await setUpPgvector(pool, log)) return pgvectorMethod(pool);
  return realArrayVectors(pool);
}

async function setUpPgvector(pool: PgPool, log?: Logger): Promise<boolean> {
  const { rows } = await pool.query<{ installed: boolean; available: boolean }>(`SELECT
      EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed,
      EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`);
  if (!rows[0].installed && !rows[0].available) return false;
  try {
    await inTransaction(pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK]);
      if (!rows[0].installed) await tx.query('CREATE EXTENSION IF NOT EXISTS vector');
      await tx.query('ALTER TABLE retriever_passages ADD COLUMN IF NOT EXISTS embedding_vector vector');
      // Vectors written before the extension was there (or by a process without it).
      await tx.query(`UPDATE retriever_passages SET embedding_vector = embedding::vector
        WHERE embedding IS NOT NULL AND embedding_vector IS NULL`);
    });
    return true;
  } catch (err) {
    log?.warn({ err }, 'pgvector is available but could not be set up; comparing vectors in Parley instead');
    return false;
  }
}

function pgvectorMethod(pool: PgPool): PassageVectors {
  return {
    method: 'pgvector',
    async write(db, passageId, vector) {
      const v = Array.from(vector);
      await db.query('UPDATE retriever_passages SET embedding = $1::real[], embedding_vector = $1::real[]::vector WHERE id = $2', [v, passageId]);
    },
    async nearest(q) {
      const n = q.values.length;
      // Vectors of another length (written under another embedding model) are not comparable.
      const { rows } = await pool.query<{ id: number; similarity: number }>(`SELECT p.id,
          1 - (p.embedding_vector <=> $${n + 1}::real[]::vector) AS similarity
        FROM retriever_passages p
        WHERE p.embedding_vector IS NOT NULL AND vector_dims(p.embedding_vector) = $${n + 2} AND ${q.scope}
        ORDER BY p.embedding_vector <=> $${n + 1}::real[]::vector, p.id LIMIT $${n + 3}`,
      [...q.values, Array.from(q.vector), q.vector.length, q.limit]);
      return rows.filter((r) => r.similarity >= q.minSimilarity).map((r) => r.id);
    },
  };
}

/** Vectors kept as `real[]` and compared here: what works on any PostgreSQL. */
export function realArrayVectors(pool: PgPool): PassageVectors {
  return {
    method: 'real[]',
    async write(db, passageId, vector) {
      await db.query('UPDATE retriever_passages SET embedding = $1::real[] WHERE id = $2', [Array.from(vector), passageId]);
    },
    async nearest(q) {
      const { rows } = await pool.query<{ id: number; embedding: number[] }>(
        `SELECT p.id, p.embedding FROM retriever_passages p
         WHERE p.embedding IS NOT NULL AND cardinality(p.embedding) = $${q.values.length + 1} AND ${q.scope}`,
        [...q.values, q.vector.length]);
      return mostSimilar(q.vector, rows.map((r) => ({ id: r.id, vector: Float32Array.from(r.embedding) })), q.minSimilarity, q.limit);
    },
  };
}
