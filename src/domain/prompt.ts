import type { ChatMessage } from '../chat-model/chat-model.js';
import type { HistoryMessage } from '../store/store.js';
import type { Bot } from './entities.js';
import { countPromptTokens, keptMessageTokens, messageTokens } from './token-count.js';

export interface Prompt {
  messages: ChatMessage[];
  /** Its size in tokens as counted to fit it (the usage estimate when the provider gives none). */
  tokens: number;
}

/** System messages after the bot's own: what the knowledge base gave for this question. */
export interface Grounding {
  messages: ChatMessage[];
  /** The same text on every reply (the knowledge base has nothing), rather than passages chosen for this question. */
  repeats: boolean;
}

/**
 * The model's input: the bot's system prompt (and any knowledge-base passages), then as many
 * earlier messages as fit in `contextTokens` less the reply's maximum (newest kept first, none cut
 * in half), then the new message. The system messages and the new message are always sent.
 */
export async function buildPrompt(
  bot: Bot, newestFirst: HistoryMessage[], message: HistoryMessage, budget: { contextTokens: number; maxReplyTokens: number },
  grounding: Grounding = { messages: [], repeats: true },
): Promise<Prompt> {
  const instructions: ChatMessage[] = bot.systemPrompt ? [{ role: 'system', content: bot.systemPrompt }] : [];
  const system = [...instructions, ...grounding.messages];
  const last: ChatMessage = { role: 'user', content: message.content };
  // The counts of texts every reply repeats are kept; passages chosen for this question are counted afresh.
  const fixed = await (grounding.repeats ? countPromptTokens(system) : countPromptTokens(instructions, grounding.messages))
    // Counted by id, so that the next reply in the conversation finds this message's count kept.
    + await messageTokens(message.id, message.content);
  let room = budget.contextTokens - budget.maxReplyTokens - fixed;
  let tokens = fixed;
  const earlier: ChatMessage[] = [];
  for (const m of newestFirst) {
    // Earlier messages were counted by an earlier reply: most are kept, and need no promise.
    // Counted only as far as there is room: past it, the message is left out whatever its size.
    const size = keptMessageTokens(m.id, m.content, room) ?? await messageTokens(m.id, m.content, room);
    if (room < size) break;
    room -= size;
    tokens += size;
    earlier.push({ role: m.machine ? 'assistant' : 'user', content: m.content });
  }
  earlier.reverse();
  return { messages: [...system, ...earlier, last], tokens };
}
