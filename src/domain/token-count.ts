import type { ChatMessage } from '../chat-model/chat-model.js';

/** About four characters a token: used until the tokenizer has loaded. */
const roughCount = (text: string) => Math.ceil(text.length / 4);

let count: (text: string) => number = roughCount;
let loading: Promise<void> | undefined;

/**
 * Loads the tokenizer (cl100k, OpenAI's, a fair estimate for other models too). It takes a few
 * hundred milliseconds, so it is loaded once, in the background of the server's start.
 */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => {
    count = (text) => m.countTokens(text);
  });
  return loading;
}

export const countTokens = (text: string): number => count(text);

/** Chat formats add a few tokens a message for the role and separators. */
const PER_MESSAGE = 4;

export function countPromptTokens(messages: ChatMessage[]): number {
  let n = 3;
  for (const m of messages) n += PER_MESSAGE + countTokens(m.content);
  return n;
}

const cache = new Map<number, { length: number; tokens: number }>();
const CACHE_LIMIT = 100_000;

/**
 * Token count of a stored message. Finished messages never change, so counts are kept by id; the
 * length check keeps two stores in one process (tests, tools) from reading each other's counts.
 */
export function messageTokens(id: number, content: string): number {
  const hit = cache.get(id);
  if (hit && hit.length === content.length) return hit.tokens;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const tokens = PER_MESSAGE + countTokens(content);
  cache.set(id, { length: content.length, tokens });
  return tokens;
}
