import type { BotAdminRepo } from '../knowledge-repos.js';
import type { BotRepo } from '../store.js';
import type { PgQueryable } from './postgres-database.js';

/** Finds and edits bots by id alone, reading them back through the account-scoped repo. */
export function postgresBotAdmin(db: PgQueryable, bots: BotRepo): BotAdminRepo {
  const find = async (id: number) => {
    const { rows } = await db.query<{ account_id: number }>('SELECT account_id FROM bots WHERE id = $1', [id]);
    return rows[0] ? bots.get(rows[0].account_id, id) : undefined;
  };
  return {
    find,
    async update(id, patch) {
      const bot = await find(id);
      if (!bot) return undefined;
      // Fields the patch leaves undefined keep their values.
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const next = { ...bot, ...given };
      await db.query(`UPDATE bots SET name = $1, model = $2, fallback_model = $3, system_prompt = $4,
        temperature = $5, max_reply_tokens = $6, description = $8 WHERE id = $7`,
      [next.name, next.model, next.fallbackModel, next.systemPrompt, next.temperature, next.maxReplyTokens, id, next.description]);
      return find(id);
    },
  };
}
