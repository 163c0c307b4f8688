import type { PgQueryable } from '../../store/postgres/postgres-database.js';

/** How long folders found holding passages are taken to hold them still, without asking again. */
const KNOWN_FULL_MS = 10_000;

/**
 * Whether any of the folders holds a passage (one lookup in the (account, folder) index), so that
 * a reply whose bot reads only empty folders skips retrieval and its round trips. A "yes" is kept
 * for a few seconds: if the folders have been emptied meanwhile, retrieval runs and finds nothing,
 * which is what it would have answered anyway. A "no" is never kept, since a document indexed by
 * another process must be found by the next reply.
 */
export function postgresPassagePresence(db: PgQueryable): (accountId: number, folderIds: number[]) => Promise<boolean> {
  const knownFull = new Map<string, number>();
  return async (accountId, folderIds) => {
    if (!folderIds.length) return false;
    const key = `${accountId}:${folderIds.join(',')}`;
    const now = Date.now();
    if ((knownFull.get(key) ?? 0) > now) return true;
    const { rows } = await db.query(
      'SELECT 1 FROM retriever_passages WHERE account_id = $1 AND folder_id = ANY($2::bigint[]) LIMIT 1', [accountId, folderIds],
    );
    if (!rows.length) return false;
    if (knownFull.size >= 10_000) knownFull.clear();
    knownFull.set(key, now + KNOWN_FULL_MS);
    return true;
  };
}
