import type { ChatMessage } from '../chat-model/chat-model.js';

/** About four characters a token: used until the tokenizer has loaded. */
const roughCount = (text: string) => Math.ceil(text.length / 4);

let count: (text: string) => number = roughCount;
let loading: Promise<void> | undefined;
let loaded = false;

/**
 * Loads the tokenizer (cl100k, OpenAI's, a fair estimate for other models too). It takes a few
 * hundred milliseconds, so it is loaded once, in the background of the server's start.
 */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then((m) => {
    count = (text) => m.countTokens(text);
    loaded = true;
  });
  return loading;
}

/**
 * The longest run of non-space (or of space) characters given to the tokenizer at once. Its BPE
 * merge is quadratic in the length of one pre-token, and cl100k's pre-tokens are whole runs of
 * letters: 6,000 letters cost about 30 ms, 300,000 about 90 s. Cut into pieces of this length, a
 * run is counted in linear time; no token of cl100k is longer, so the count barely changes.
 */
const MAX_RUN = 64;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}|\\s{${MAX_RUN + 1},}`, 'gu');

/** The pieces `text` is counted in: long runs cut to MAX_RUN characters (never inside a surrogate pair). */
function* pieces(text: string): Generator<string> {
  let at = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    if (match.index > at) yield text.slice(at, match.index);
    const run = match[0];
    for (let i = 0; i < run.length;) {
      let end = Math.min(i + MAX_RUN, run.length);
      if (end < run.length && isHighSurrogate(run.charCodeAt(end - 1))) end++;
      yield run.slice(i, end);
      i = end;
    }
    at = match.index + run.length;
  }
  if (at < text.length) yield text.slice(at);
}

/** Token count of `text`, in time linear in its length (about 40 µs a kilobyte). */
export function countTokens(text: string): number {
  // Text no longer than a run cannot hold one too long: no scan for runs, no generator.
  if (text.length <= MAX_RUN) return count(text);
  let n = 0;
  for (const piece of pieces(text)) n += count(piece);
  return n;
}

/** How much text is counted between two turns of the event loop: well under a millisecond's work. */
const SLICE_CHARS = 16_384;

/**
 * countTokens for text of any length without holding the event loop: a 300,000-character reply is
 * counted in slices, each followed by a turn of the loop, so no other request waits for it.
 * Counting stops once past `limit`: the answer is then more than `limit`, though not the count.
 */
export async function countTokensInTurns(text: string, limit = Infinity): Promise<number> {
  if (text.length <= SLICE_CHARS) return countTokens(text);
  let n = 0;
  let done = 0;
  for (const piece of pieces(text)) {
    let i = 0;
    while (i < piece.length) {
      // A slice ends before a space, as cl100k's own pieces do, so that slicing cuts no token in two.
      let end = Math.min(i + SLICE_CHARS, piece.length);
      if (end < piece.length) {
        const space = piece.lastIndexOf(' ', end);
        if (space > i) end = space;
        else if (isHighSurrogate(piece.charCodeAt(end - 1))) end++;
      }
      n += count(piece.slice(i, end));
      if (n > limit) return n;
      done += end - i;
      i = end;
      if (done >= SLICE_CHARS) {
        done = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  return n;
}

/** Chat formats add a few tokens a message for the role and separators. */
const PER_MESSAGE = 4;

/**
 * Counts of system texts that repeat on every reply a bot writes (its instructions, the statement
 * that the knowledge base has nothing on a question), by their text.
 */
const repeatedCounts = new Map<string, number>();
const REPEATED_COUNTS_LIMIT = 1_000;

/**
 * Token count of a prompt's system messages with the chat format's overhead. The counts of
 * `repeated` are kept; `oneOff` (a grounding message with the passages chosen for one question)
 * are counted afresh, not kept to crowd the repeated texts out of the cache with texts seen once.
 */
export async function countPromptTokens(repeated: ChatMessage[], oneOff: ChatMessage[] = []): Promise<number> {
  let n = 3;
  for (const m of repeated) {
    let tokens = repeatedCounts.get(m.content);
    if (tokens === undefined) {
      tokens = await countTokensInTurns(m.content);
      if (repeatedCounts.size >= REPEATED_COUNTS_LIMIT) repeatedCounts.clear();
      // Kept only once the tokenizer has loaded: the rough count before it is not the count.
      if (loaded) repeatedCounts.set(m.content, tokens);
    }
    n += PER_MESSAGE + tokens;
  }
  for (const m of oneOff) n += PER_MESSAGE + await countTokensInTurns(m.content);
  return n;
}

/** Counts by message id; `exact` false when counting stopped past a limit (`tokens` is then a lower bound). */
const cache = new Map<number, { length: number; tokens: number; exact: boolean }>();
const CACHE_LIMIT = 100_000;

/**
 * Token count of a stored message, or, when it has more than `limit` tokens, some number above
 * `limit`: a long reply read back as history is counted only as far as the prompt has room (a
 * 500 KB reply cost the next reply 20 ms to be left out). Finished messages never change, so
 * counts are kept by id; the length check keeps two stores in one process (tests, tools) from
 * reading each other's counts.
 */
export async function messageTokens(id: number, content: string, limit = Infinity): Promise<number> {
  const kept = keptMessageTokens(id, content, limit);
  if (kept !== undefined) return kept;
  const tokens = PER_MESSAGE + await countTokensInTurns(content, limit - PER_MESSAGE);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, { length: content.length, tokens, exact: tokens <= limit });
  return tokens;
}

/** messageTokens when what it would answer is kept already, without a promise; else undefined. */
export function keptMessageTokens(id: number, content: string, limit = Infinity): number | undefined {
  const hit = cache.get(id);
  return hit && hit.length === content.length && (hit.exact || hit.tokens > limit) ? hit.tokens : undefined;
}
