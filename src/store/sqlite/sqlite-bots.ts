import { toBot, type BotRow } from '../bot-row.js';
import type { BotRepo } from '../store.js';
import { pagedQuery } from './paged-query.js';
import type { SqliteDb } from './sqlite-database.js';
import { containsPattern } from '../contains-pattern.js';

export function sqliteBots(db: SqliteDb): BotRepo {
  const insert = db.prepare(`INSERT INTO bots
    (account_id, name, description, model, fallback_model, system_prompt, temperature, max_reply_tokens, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const modelsInUse = db.prepare(`SELECT model FROM bots WHERE model IS NOT NULL
    UNION SELECT fallback_model FROM bots WHERE fallback_model IS NOT NULL`).pluck();
  const byId = db.prepare('SELECT * FROM bots WHERE account_id = ? AND id = ?');
  const list = pagedQuery(db, '*', `FROM bots WHERE account_id = ? AND name LIKE ? ESCAPE '\\'`, toBot);
  return {
    async create(accountId, b, createdAt) {
      return toBot(insert.get(
        accountId, b.name, b.description ?? null, b.model, b.fallbackModel ?? null, b.systemPrompt, b.temperature, b.maxReplyTokens, createdAt,
      ) as BotRow);
    },
    async get(accountId, id) {
      const r = byId.get(accountId, id) as BotRow | undefined;
      return r && toBot(r);
    },
    async list(accountId, filter, page) {
      return list([accountId, containsPattern(filter.keyword ?? '')], page);
    },
    async modelsInUse() {
      return modelsInUse.all() as string[];
    },
  };
}
