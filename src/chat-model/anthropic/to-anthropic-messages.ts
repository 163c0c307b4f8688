import type { ChatMessage } from '../chat-model.js';

/** Anthropic takes the system prompt apart from the turns, and only user/assistant turns. */
export function toAnthropicMessages(messages: ChatMessage[]): {
  system: string | undefined;
  messages: { role: 'user' | 'assistant'; content: string }[];
} {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const turns = messages
    .filter((m): m is ChatMessage & { role: 'user' | 'assistant' } => m.role !== 'system')
    .map((m) => ({ role: m.role, content: m.content }));
  // The first turn must be the user's: drop assistant turns the history budget left at the front.
  while (turns.length && turns[0].role === 'assistant') turns.shift();
  return { system: system || undefined, messages: turns };
}
