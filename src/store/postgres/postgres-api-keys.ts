import type { ApiKey } from '../../domain/entities.js';
import type { ApiKeyRepo } from '../store.js';
import type { PgQueryable } from './postgres-database.js';

interface Row {
  id: number; account_id: number; name: string | null; prefix: string; hash: string;
  created_at: number; last_used_at: number | null; revoked_at: number | null;
}

const toKey = (r: Row): ApiKey => ({
  id: r.id, accountId: r.account_id, name: r.name, prefix: r.prefix, hash: r.hash,
  createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

export function postgresApiKeys(db: PgQueryable): ApiKeyRepo {
  return {
    async create(k) {
      const { rows } = await db.query<Row>(
        'INSERT INTO api_keys (account_id, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [k.accountId, k.name, k.prefix, k.hash, k.createdAt],
      );
      return toKey(rows[0]);
    },
    async findByPrefix(prefix) {
      const { rows } = await db.query<Row>('SELECT * FROM api_keys WHERE prefix = $1', [prefix]);
      return rows[0] && toKey(rows[0]);
    },
    async touch(id, at) {
      await db.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
    },
    async revoke(id, at) {
      const { rows } = await db.query<Row>(
        'UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING *', [at, id],
      );
      return rows[0] && toKey(rows[0]);
    },
    async listByAccount(accountId) {
      return (await db.query<Row>('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY id', [accountId])).rows.map(toKey);
    },
  };
}
