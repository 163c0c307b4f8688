import type { ChatMessage } from '../chat-model/chat-model.js';
import type { HistoryMessage } from '../store/store.js';
import type { Bot } from './entities.js';
import { countPromptTokens, messageTokens } from './token-count.js';

/**
 * The model's input: the bot's system prompt (and any knowledge-base passages), then as many
 * earlier messages as fit in `contextTokens` less the reply's maximum (newest kept first, none cut
 * in half), then the new message. The system messages and the new message are always sent.
 */
export function buildPrompt(
  bot: Bot, newestFirst: HistoryMessage[], content: string, budget: { contextTokens: number; maxReplyTokens: number },
  extraSystem: ChatMessage[] = [],
): ChatMessage[] {
  const system: ChatMessage[] = [
    ...(bot.systemPrompt ? [{ role: 'system' as const, content: bot.systemPrompt }] : []),
    ...extraSystem,
  ];
  const last: ChatMessage = { role: 'user', content };
  let room = budget.contextTokens - budget.maxReplyTokens - countPromptTokens([...system, last]);
  const earlier: ChatMessage[] = [];
  for (const m of newestFirst) {
    room -= messageTokens(m.id, m.content);
    if (room < 0) break;
    earlier.push({ role: m.machine ? 'assistant' : 'user', content: m.content });
  }
  earlier.reverse();
  return [...system, ...earlier, last];
}
