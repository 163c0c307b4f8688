import type { ChatMessage } from '../chat-model/chat-model.js';
import type { Bot, Message } from './entities.js';

/** A rough token count (about four characters a token in English) for budgeting context. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The model's input: the bot's system prompt, then as many earlier messages as fit in
 * `budgetTokens` (newest kept first, none cut in half), then the new message.
 */
export function buildPrompt(bot: Bot, newestFirst: Message[], content: string, budgetTokens: number): ChatMessage[] {
  const earlier: ChatMessage[] = [];
  let budget = budgetTokens;
  for (const m of newestFirst) {
    budget -= estimateTokens(m.content);
    if (budget < 0) break;
    earlier.push({ role: m.machine ? 'assistant' : 'user', content: m.content });
  }
  earlier.reverse();
  const system: ChatMessage[] = bot.systemPrompt ? [{ role: 'system', content: bot.systemPrompt }] : [];
  return [...system, ...earlier, { role: 'user', content }];
}
