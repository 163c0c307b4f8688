import type { SqliteLike } from './sqlite-retriever.js';

/**
 * Whether any of the folders holds a passage: one lookup in the (account, folder) index, a few
 * microseconds, against tens for a full-text query that finds nothing. Asked on every reply, so
 * that a bot whose folders are empty (the first-run bot before its first document) skips retrieval.
 * A query, not a count kept in memory: other processes sharing the file index documents too.
 */
export function sqlitePassagePresence(db: SqliteLike): (accountId: number, folderIds: number[]) => Promise<boolean> {
  const inFolder = db.prepare('SELECT 1 FROM passages WHERE account_id = ? AND folder_id = ? LIMIT 1');
  const inFolders = db.prepare('SELECT 1 FROM passages WHERE account_id = ? AND folder_id IN (SELECT value FROM json_each(?)) LIMIT 1');
  return async (accountId, folderIds) => {
    if (!folderIds.length) return false;
    const rows = folderIds.length === 1 ? inFolder.all(accountId, folderIds[0]) : inFolders.all(accountId, JSON.stringify(folderIds));
    return rows.length > 0;
  };
}
