import type { Account } from '../../domain/entities.js';
import type { AccountRepo } from '../store.js';
import type { PgQueryable } from './postgres-database.js';

interface Row { id: number; name: string; plan: string | null; message_limit: number | null; created_at: number }

const toAccount = (r: Row): Account => ({
  id: r.id, name: r.name, plan: r.plan, messageLimit: r.message_limit, createdAt: r.created_at,
});

export function postgresAccounts(db: PgQueryable): AccountRepo {
  return {
    async create(a) {
      const { rows } = await db.query<Row>(
        'INSERT INTO accounts (name, plan, message_limit, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
        [a.name, a.plan, a.messageLimit, a.createdAt],
      );
      return toAccount(rows[0]);
    },
    async get(id) {
      const { rows } = await db.query<Row>('SELECT * FROM accounts WHERE id = $1', [id]);
      return rows[0] && toAccount(rows[0]);
    },
    async list() {
      return (await db.query<Row>('SELECT * FROM accounts ORDER BY id')).rows.map(toAccount);
    },
    async count() {
      return (await db.query<{ n: number }>('SELECT count(*) AS n FROM accounts')).rows[0].n;
    },
  };
}
