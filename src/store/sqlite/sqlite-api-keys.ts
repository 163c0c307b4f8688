import type { ApiKey } from '../../domain/entities.js';
import type { ApiKeyRepo } from '../store.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row {
  id: number; account_id: number; name: string | null; prefix: string; hash: string;
  created_at: number; last_used_at: number | null; revoked_at: number | null;
}

const toKey = (r: Row): ApiKey => ({
  id: r.id, accountId: r.account_id, name: r.name, prefix: r.prefix, hash: r.hash,
  createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

export function sqliteApiKeys(db: SqliteDb): ApiKeyRepo {
  const insert = db.prepare(
    'INSERT INTO api_keys (account_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
  );
  const byPrefix = db.prepare('SELECT * FROM api_keys WHERE prefix = ?');
  const touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  const revoke = db.prepare(
    'UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *',
  );
  const byAccount = db.prepare('SELECT * FROM api_keys WHERE account_id = ? ORDER BY id');
  return {
    async create(k) {
      return toKey(insert.get(k.accountId, k.name, k.prefix, k.hash, k.createdAt) as Row);
    },
    async findByPrefix(prefix) {
      const r = byPrefix.get(prefix) as Row | undefined;
      return r && toKey(r);
    },
    async touch(id, at) {
      touch.run(at, id);
    },
    async revoke(id, at) {
      const r = revoke.get(at, id) as Row | undefined;
      return r && toKey(r);
    },
    async listByAccount(accountId) {
      return (byAccount.all(accountId) as Row[]).map(toKey);
    },
  };
}
