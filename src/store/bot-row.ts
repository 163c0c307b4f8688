import type { Bot } from '../domain/entities.js';

/** A `bots` row as both stores read it (the same columns and types in SQLite and PostgreSQL). */
export interface BotRow {
  id: number; account_id: number; name: string; description: string | null; model: string | null;
  fallback_model: string | null; system_prompt: string | null;
  temperature: number | null; max_reply_tokens: number | null; created_at: number;
}

export const toBot = (r: BotRow): Bot => ({
  id: r.id, accountId: r.account_id, name: r.name, description: r.description, model: r.model,
  fallbackModel: r.fallback_model, systemPrompt: r.system_prompt,
  temperature: r.temperature, maxReplyTokens: r.max_reply_tokens, createdAt: r.created_at,
});
