import type { Upload, UploadRepo } from '../knowledge-repos.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row {
  key: string; account_id: number; file_name: string; content_type: string; created_at: number;
  expires_at: number; put_at: number | null; size: number | null; used_at: number | null;
}

const toUpload = (r: Row): Upload => ({
  key: r.key, accountId: r.account_id, fileName: r.file_name, contentType: r.content_type, createdAt: r.created_at,
  expiresAt: r.expires_at, putAt: r.put_at, size: r.size, usedAt: r.used_at,
});

export function sqliteUploads(db: SqliteDb): UploadRepo {
  const insert = db.prepare(`INSERT INTO uploads (key, account_id, file_name, content_type, created_at, expires_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const claim = db.prepare(`UPDATE uploads SET put_at = @at
    WHERE key = @key AND (put_at IS NULL OR (size IS NULL AND put_at < @staleBefore)) RETURNING *`);
  const release = db.prepare('UPDATE uploads SET put_at = NULL WHERE key = ? AND put_at = ? AND size IS NULL');
  const complete = db.prepare('UPDATE uploads SET size = ? WHERE key = ?');
  const byKey = db.prepare('SELECT * FROM uploads WHERE account_id = ? AND key = ?');
  const abandoned = db.prepare(`SELECT key FROM uploads u
    WHERE (u.used_at IS NULL AND u.expires_at < @cutoff)
       OR (u.used_at < @cutoff AND NOT EXISTS (SELECT 1 FROM import_jobs j
             WHERE j.state IN ('queued', 'running') AND json_extract(j.payload, '$.key') = u.key))
    LIMIT @limit`).pluck();
  const forget = db.prepare('DELETE FROM uploads WHERE key = ?');
  const forgetAll = db.transaction((keys: string[]) => {
    for (const k of keys) forget.run(k);
  });
  return {
    async create(u) {
      insert.run(u.key, u.accountId, u.fileName, u.contentType, u.createdAt, u.expiresAt);
    },
    async claimPut(key, at, staleBefore) {
      const r = claim.get({ at, key, staleBefore }) as Row | undefined;
      return r && toUpload(r);
    },
    async releasePut(key, at) {
      release.run(key, at);
    },
    async completePut(key, size) {
      complete.run(size, key);
    },
    async get(accountId, key) {
      const r = byKey.get(accountId, key) as Row | undefined;
      return r && toUpload(r);
    },
    async abandoned(cutoff, limit) {
      return abandoned.all({ cutoff, limit }) as string[];
    },
    async forget(keys) {
      forgetAll(keys);
    },
  };
}
