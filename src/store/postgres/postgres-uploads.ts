import type { Upload, UploadRepo } from '../knowledge-repos.js';
import type { PgQueryable } from './postgres-database.js';

interface Row {
  key: string; account_id: number; file_name: string; content_type: string; created_at: number;
  expires_at: number; put_at: number | null; size: number | null; used_at: number | null;
}

const toUpload = (r: Row): Upload => ({
  key: r.key, accountId: r.account_id, fileName: r.file_name, contentType: r.content_type, createdAt: r.created_at,
  expiresAt: r.expires_at, putAt: r.put_at, size: r.size, usedAt: r.used_at,
});

export function postgresUploads(db: PgQueryable): UploadRepo {
  return {
    async create(u) {
      await db.query(`INSERT INTO uploads (key, account_id, file_name, content_type, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6)`, [u.key, u.accountId, u.fileName, u.contentType, u.createdAt, u.expiresAt]);
    },
    async claimPut(key, at, staleBefore) {
      const { rows } = await db.query<Row>(`UPDATE uploads SET put_at = $1
        WHERE key = $2 AND (put_at IS NULL OR (size IS NULL AND put_at < $3)) RETURNING *`, [at, key, staleBefore]);
      return rows[0] && toUpload(rows[0]);
    },
    async releasePut(key, at) {
      await db.query('UPDATE uploads SET put_at = NULL WHERE key = $1 AND put_at = $2 AND size IS NULL', [key, at]);
    },
    async completePut(key, size) {
      await db.query('UPDATE uploads SET size = $1 WHERE key = $2', [size, key]);
    },
    async get(accountId, key) {
      const { rows } = await db.query<Row>('SELECT * FROM uploads WHERE account_id = $1 AND key = $2', [accountId, key]);
      return rows[0] && toUpload(rows[0]);
    },
    async abandoned(cutoff, limit) {
      const { rows } = await db.query<{ key: string }>(`SELECT key FROM uploads u
        WHERE (u.used_at IS NULL AND u.expires_at < $1)
           OR (u.used_at < $1 AND NOT EXISTS (SELECT 1 FROM import_jobs j
                 WHERE j.kind = 'file' AND j.state IN ('queued', 'running') AND j.payload->>'key' = u.key))
        LIMIT $2`, [cutoff, limit]);
      return rows.map((r) => r.key);
    },
    async forget(keys) {
      if (keys.length) await db.query('DELETE FROM uploads WHERE key = ANY($1::text[])', [keys]);
    },
  };
}
