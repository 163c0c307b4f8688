import type { Page, PageRequest } from '../../domain/entities.js';
import type { SqliteDb } from './sqlite-database.js';

/**
 * A listing's two statements, prepared once: one page of rows in id order, and the count of all
 * rows that match. `from` is the listing's `FROM … WHERE …`, the same for both, so they never
 * disagree about what matches; `args` fill its placeholders.
 */
export function pagedQuery<R, T>(db: SqliteDb, columns: string, from: string, toItem: (row: R) => T) {
  const page = db.prepare(`SELECT ${columns} ${from} ORDER BY id LIMIT ? OFFSET ?`);
  const total = db.prepare(`SELECT count(*) ${from}`).pluck();
  return (args: unknown[], { limit, offset }: PageRequest): Page<T> => ({
    items: (page.all(...args, limit, offset) as R[]).map(toItem),
    total: total.get(...args) as number,
  });
}
