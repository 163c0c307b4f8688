import type { Folder } from '../../domain/entities.js';
import type { FolderRepo } from '../knowledge-repos.js';
import { containsPattern } from '../contains-pattern.js';
import type { PgQueryable } from './postgres-database.js';
import { postgresPage } from './postgres-page.js';

interface Row { id: number; account_id: number; name: string; created_at: number }

const toFolder = (r: Row): Folder => ({ id: r.id, accountId: r.account_id, name: r.name, createdAt: r.created_at });

export function postgresFolders(db: PgQueryable): FolderRepo {
  return {
    async create(accountId, name, createdAt) {
      const { rows } = await db.query<Row>(
        'INSERT INTO folders (account_id, name, created_at) VALUES ($1, $2, $3) RETURNING *', [accountId, name, createdAt],
      );
      return toFolder(rows[0]);
    },
    async get(accountId, id) {
      const { rows } = await db.query<Row>('SELECT * FROM folders WHERE account_id = $1 AND id = $2', [accountId, id]);
      return rows[0] && toFolder(rows[0]);
    },
    async list(accountId, filter, page) {
      return postgresPage(db, {
        select: '*', from: `FROM folders WHERE account_id = $1 AND name ILIKE $2 ESCAPE '\\'`,
      }, [accountId, containsPattern(filter.keyword ?? '')], page, toFolder);
    },
    async rename(accountId, id, name) {
      const { rows } = await db.query<Row>(
        'UPDATE folders SET name = $1 WHERE account_id = $2 AND id = $3 RETURNING *', [name, accountId, id],
      );
      return rows[0] && toFolder(rows[0]);
    },
    async existing(accountId, ids) {
      const { rows } = await db.query<{ id: number }>(
        'SELECT id FROM folders WHERE account_id = $1 AND id = ANY($2::bigint[]) ORDER BY id', [accountId, ids],
      );
      return rows.map((r) => r.id);
    },
  };
}
