import type { Page, PageRequest } from '../../domain/entities.js';
import type { PgQueryable } from './postgres-database.js';

/**
 * A page and the total in one round trip: count(*) OVER () rides along on each row. Only a page
 * past the end (no rows to carry it) costs a second query for the total.
 *
 * `from` is the FROM … WHERE part, using $1…$n for `args`; rows come in id order, newest first
 * when the request says so.
 */
export async function postgresPage<R, T>(
  db: PgQueryable, q: { select: string; from: string }, args: unknown[],
  { limit, offset, newestFirst }: PageRequest, map: (row: R) => T,
): Promise<Page<T>> {
  const n = args.length;
  const { rows } = await db.query<R & { total__: number }>(
    `SELECT ${q.select}, count(*) OVER () AS total__ ${q.from} ORDER BY id${newestFirst ? ' DESC' : ''} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...args, limit, offset],
  );
  if (rows.length || offset === 0) return { items: rows.map(map), total: rows[0]?.total__ ?? 0 };
  const total = await db.query<{ n: number }>(`SELECT count(*) AS n ${q.from}`, args);
  return { items: [], total: total.rows[0].n };
}
