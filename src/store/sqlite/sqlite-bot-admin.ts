import type { BotAdminRepo } from '../knowledge-repos.js';
import type { BotRepo } from '../store.js';
import type { SqliteDb } from './sqlite-database.js';

/** Finds and edits bots by id alone, reading them back through the account-scoped repo. */
export function sqliteBotAdmin(db: SqliteDb, bots: BotRepo): BotAdminRepo {
  const accountOf = db.prepare('SELECT account_id FROM bots WHERE id = ?').pluck();
  const update = db.prepare(`UPDATE bots SET name = ?, description = ?, model = ?, fallback_model = ?, system_prompt = ?,
    temperature = ?, max_reply_tokens = ? WHERE id = ?`);
  const find = async (id: number) => {
    const accountId = accountOf.get(id) as number | undefined;
    return accountId === undefined ? undefined : bots.get(accountId, id);
  };
  return {
    find,
    async update(id, patch) {
      const bot = await find(id);
      if (!bot) return undefined;
      // Fields the patch leaves undefined keep their values.
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const next = { ...bot, ...given };
      update.run(next.name, next.description, next.model, next.fallbackModel, next.systemPrompt, next.temperature, next.maxReplyTokens, id);
      return find(id);
    },
  };
}
