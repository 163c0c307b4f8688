import { toBot, type BotRow } from '../bot-row.js';
import type { BotRepo } from '../store.js';
import { containsPattern } from '../contains-pattern.js';
import type { PgQueryable } from './postgres-database.js';
import { postgresPage } from './postgres-page.js';

export function postgresBots(db: PgQueryable): BotRepo {
  return {
    async create(accountId, b, createdAt) {
      const { rows } = await db.query<BotRow>(`INSERT INTO bots
        (account_id, name, description, model, fallback_model, system_prompt, temperature, max_reply_tokens, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [accountId, b.name, b.description ?? null, b.model, b.fallbackModel ?? null, b.systemPrompt, b.temperature, b.maxReplyTokens, createdAt]);
      return toBot(rows[0]);
    },
    async get(accountId, id) {
      const { rows } = await db.query<BotRow>('SELECT * FROM bots WHERE account_id = $1 AND id = $2', [accountId, id]);
      return rows[0] && toBot(rows[0]);
    },
    async list(accountId, filter, page) {
      return postgresPage(db, {
        select: '*', from: `FROM bots WHERE account_id = $1 AND name ILIKE $2 ESCAPE '\\'`,
      }, [accountId, containsPattern(filter.keyword ?? '')], page, toBot);
    },
    async modelsInUse() {
      const { rows } = await db.query<{ model: string }>(`SELECT model FROM bots WHERE model IS NOT NULL
        UNION SELECT fallback_model FROM bots WHERE fallback_model IS NOT NULL`);
      return rows.map((r) => r.model);
    },
  };
}
