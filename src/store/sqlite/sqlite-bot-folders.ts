import type { BotFolderRepo } from '../knowledge-repos.js';
import type { SqliteDb } from './sqlite-database.js';

export function sqliteBotFolders(db: SqliteDb): BotFolderRepo {
  const list = db.prepare('SELECT folder_id FROM bot_folders WHERE bot_id = ? ORDER BY folder_id').pluck();
  const clear = db.prepare('DELETE FROM bot_folders WHERE bot_id = ?');
  const add = db.prepare('INSERT OR IGNORE INTO bot_folders (bot_id, folder_id) VALUES (?, ?)');
  const set = db.transaction((botId: number, folderIds: number[]) => {
    clear.run(botId);
    for (const f of folderIds) add.run(botId, f);
  });
  return {
    async list(botId) {
      return list.all(botId) as number[];
    },
    async set(botId, folderIds) {
      set(botId, folderIds);
    },
  };
}
