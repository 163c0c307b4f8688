import type { Account } from '../../domain/entities.js';
import type { AccountRepo } from '../store.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row { id: number; name: string; plan: string | null; message_limit: number | null; created_at: number }

const toAccount = (r: Row): Account => ({
  id: r.id, name: r.name, plan: r.plan, messageLimit: r.message_limit, createdAt: r.created_at,
});

export function sqliteAccounts(db: SqliteDb): AccountRepo {
  const insert = db.prepare(
    'INSERT INTO accounts (name, plan, message_limit, created_at) VALUES (?, ?, ?, ?) RETURNING *',
  );
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
  const all = db.prepare('SELECT * FROM accounts ORDER BY id');
  const count = db.prepare('SELECT count(*) FROM accounts').pluck();
  return {
    async create(a) {
      return toAccount(insert.get(a.name, a.plan, a.messageLimit, a.createdAt) as Row);
    },
    async get(id) {
      const r = byId.get(id) as Row | undefined;
      return r && toAccount(r);
    },
    async list() {
      return (all.all() as Row[]).map(toAccount);
    },
    async count() {
      return count.get() as number;
    },
  };
}
