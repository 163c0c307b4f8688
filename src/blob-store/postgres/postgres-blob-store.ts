import { checkBlobKey, type BlobStore } from '../blob-store.js';
import { inTransaction, openPostgres, type PgPool, type PgQueryable } from '../../store/postgres/postgres-database.js';
import { BLOB_MIGRATIONS } from './blob-migrations.js';
import { fixedChunks } from './fixed-chunks.js';

/** One row of `blob_chunks`: small enough to hold a few in memory, large enough that a 100 MB file is 100 rows. */
export const CHUNK_BYTES = 1024 * 1024;

/** Per-key lock for the steps that change which chunks a key names (the first half of the two-key advisory lock). */
const KEY_LOCK = 7_411_320;

export interface PostgresBlobStore extends BlobStore {
  pool: PgPool;
}

/**
 * A read asks for this much at a time. pg receives bytea as hex text (twice the bytes) and
 * cannot take it in binary, so a whole 1 MB chunk a query would hold several MB in flight.
 */
const SLICE_BYTES = 256 * 1024;

/**
 * Blobs in PostgreSQL, readable by every process on the database. A put writes its chunks under a
 * fresh id that no key names yet, then points the key at them in one transaction: a reader sees
 * the old blob or the new one, never part of one; a put cut off before that leaves nothing that
 * any key names.
 */
export async function createPostgresBlobStore(url: string, options: { maxConnections?: number } = {}): Promise<PostgresBlobStore> {
  const pool = await openPostgres(url, { maxConnections: options.maxConnections ?? 4 }, BLOB_MIGRATIONS);
  const lockKey = (tx: PgQueryable, key: string) => tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [KEY_LOCK, key]);

  /** Removes the chunks of the puts of `key` still pending (one cut off by a crash, or one a delete overtakes). */
  const dropPending = (tx: PgQueryable, key: string) => tx.query(
    `WITH gone AS (DELETE FROM blob_pending WHERE key = $1 RETURNING blob_id)
     DELETE FROM blob_chunks WHERE blob_id IN (SELECT blob_id FROM gone)`, [key]);

  const discard = (id: number) => inTransaction(pool, async (tx) => {
    await tx.query('DELETE FROM blob_pending WHERE blob_id = $1', [id]);
    await tx.query('DELETE FROM blob_chunks WHERE blob_id = $1', [id]);
  });

  return {
    pool,
    async put(key, body, { maxBytes }) {
      checkBlobKey(key);
      // One put a key runs at a time (the store's claim), so what is pending for it now is a dead put's.
      const id = await inTransaction(pool, async (tx) => {
        await lockKey(tx, key);
        await dropPending(tx, key);
        const { rows } = await tx.query<{ id: number }>(
          `INSERT INTO blob_pending (blob_id, key, started_at) VALUES (nextval('blob_ids'), $1, $2) RETURNING blob_id AS id`,
          [key, Date.now()]);
        return rows[0].id;
      });
      let size = 0;
      let ordinal = 0;
      try {
        for await (const chunk of fixedChunks(body, CHUNK_BYTES, maxBytes)) {
          // Each chunk its own statement: no transaction stays open for as long as a slow client sends.
          await pool.query('INSERT INTO blob_chunks (blob_id, ordinal, data) VALUES ($1, $2, $3)', [id, ordinal++, chunk]);
          size += chunk.length;
        }
        await inTransaction(pool, async (tx) => {
          await lockKey(tx, key);
          const pending = await tx.query('DELETE FROM blob_pending WHERE blob_id = $1', [id]);
          if (pending.rowCount !== 1) throw new Error(`blob ${key} was deleted while it was being written`);
          await tx.query('DELETE FROM blob_chunks WHERE blob_id = (SELECT blob_id FROM blobs WHERE key = $1)', [key]);
          await tx.query(
            `INSERT INTO blobs (key, blob_id, size, chunk_bytes, stored_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET blob_id = EXCLUDED.blob_id, size = EXCLUDED.size,
               chunk_bytes = EXCLUDED.chunk_bytes, stored_at = EXCLUDED.stored_at`,
            [key, id, size, CHUNK_BYTES, Date.now()]);
        });
      } catch (err) {
        await discard(id).catch(() => {});
        throw err;
      }
      return { size };
    },
    async read(key) {
      checkBlobKey(key);
      const { rows } = await pool.query<{ blob_id: number; size: number; chunk_bytes: number }>(
        'SELECT blob_id, size, chunk_bytes FROM blobs WHERE key = $1', [key]);
      const found = rows[0];
      if (!found) return undefined;
      return (async function* slices() {
        for (let at = 0; at < found.size; at += SLICE_BYTES) {
          const r = await pool.query<{ data: Buffer }>(
            'SELECT substring(data FROM $3 FOR $4) AS data FROM blob_chunks WHERE blob_id = $1 AND ordinal = $2',
            [found.blob_id, Math.floor(at / found.chunk_bytes), (at % found.chunk_bytes) + 1, SLICE_BYTES]);
          // A put or delete of the key since the read began has removed the chunks it was reading.
          if (!r.rows[0]) throw new Error(`blob ${key} was replaced or deleted while it was being read`);
          yield r.rows[0].data;
        }
      })();
    },
    async delete(key) {
      checkBlobKey(key);
      await inTransaction(pool, async (tx) => {
        await lockKey(tx, key);
        await dropPending(tx, key);
        await tx.query(
          `WITH gone AS (DELETE FROM blobs WHERE key = $1 RETURNING blob_id)
           DELETE FROM blob_chunks WHERE blob_id IN (SELECT blob_id FROM gone)`, [key]);
      });
    },
    async close() {
      await pool.end();
    },
  };
}
