import type { BotFolderRepo } from '../knowledge-repos.js';
import { inTransaction, type PgPool } from './postgres-database.js';

export function postgresBotFolders(pool: PgPool): BotFolderRepo {
  return {
    async list(botId) {
      const { rows } = await pool.query<{ folder_id: number }>(
        'SELECT folder_id FROM bot_folders WHERE bot_id = $1 ORDER BY folder_id', [botId],
      );
      return rows.map((r) => r.folder_id);
    },
    async set(botId, folderIds) {
      await inTransaction(pool, async (tx) => {
        await tx.query('DELETE FROM bot_folders WHERE bot_id = $1', [botId]);
        await tx.query(`INSERT INTO bot_folders (bot_id, folder_id) SELECT $1, f FROM unnest($2::bigint[]) AS f
          ON CONFLICT DO NOTHING`, [botId, folderIds]);
      });
    },
  };
}
