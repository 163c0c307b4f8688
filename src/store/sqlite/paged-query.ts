import type { Page, PageRequest } from '../../domain/entities.js';
import type { SqliteDb } from './sqlite-database.js';

/**
 * A listing's statements, prepared once: one page of rows in id order (either way), and the count
 * of all rows that match. `from` is the listing's `FROM … WHERE …`, the same for all, so they never
 * disagree about what matches; `args` fill its placeholders.
 */
export function pagedQuery<R, T>(db: SqliteDb, columns: string, from: string, toItem: (row: R) => T) {
  const oldestFirst = db.prepare(`SELECT ${columns} ${from} ORDER BY id LIMIT ? OFFSET ?`);
  const newestFirst = db.prepare(`SELECT ${columns} ${from} ORDER BY id DESC LIMIT ? OFFSET ?`);
  const total = db.prepare(`SELECT count(*) ${from}`).pluck();
  return (args: unknown[], { limit, offset, newestFirst: newest }: PageRequest): Page<T> => ({
    items: ((newest ? newestFirst : oldestFirst).all(...args, limit, offset) as R[]).map(toItem),
    total: total.get(...args) as number,
  });
}
