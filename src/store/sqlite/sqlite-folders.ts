import type { Folder } from '../../domain/entities.js';
import type { FolderRepo } from '../knowledge-repos.js';
import { pagedQuery } from './paged-query.js';
import type { SqliteDb } from './sqlite-database.js';
import { containsPattern } from './sql-helpers.js';

interface Row { id: number; account_id: number; name: string; created_at: number }

const toFolder = (r: Row): Folder => ({ id: r.id, accountId: r.account_id, name: r.name, createdAt: r.created_at });

export function sqliteFolders(db: SqliteDb): FolderRepo {
  const insert = db.prepare('INSERT INTO folders (account_id, name, created_at) VALUES (?, ?, ?) RETURNING *');
  const byId = db.prepare('SELECT * FROM folders WHERE account_id = ? AND id = ?');
  const filtered = `FROM folders WHERE account_id = ? AND name LIKE ? ESCAPE '\\'`;
  const list = pagedQuery(db, '*', filtered, toFolder);
  const rename = db.prepare('UPDATE folders SET name = ? WHERE account_id = ? AND id = ? RETURNING *');
  const existing = db.prepare(`SELECT id FROM folders WHERE account_id = ?
    AND id IN (SELECT value FROM json_each(?)) ORDER BY id`).pluck();
  return {
    async create(accountId, name, createdAt) {
      return toFolder(insert.get(accountId, name, createdAt) as Row);
    },
    async get(accountId, id) {
      const r = byId.get(accountId, id) as Row | undefined;
      return r && toFolder(r);
    },
    async list(accountId, filter, page) {
      return list([accountId, containsPattern(filter.keyword ?? '')], page);
    },
    async rename(accountId, id, name) {
      const r = rename.get(name, accountId, id) as Row | undefined;
      return r && toFolder(r);
    },
    async existing(accountId, ids) {
      return existing.all(accountId, JSON.stringify(ids)) as number[];
    },
  };
}
