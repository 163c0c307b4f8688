import type { Store } from '../store/store.js';
import { failedEnding, type FeedChunk, type FeedRead, type ReplyEnding, type ReplyFeed } from '../stream-bus/stream-bus.js';
import type { Message, MessageSource } from './entities.js';

/** Replayed text goes out in pieces of about this many code units: few events, none huge. */
const REPLAY_PIECE = 16_384;

/** Splits `text` from `offset` into chunks, never between the two halves of a surrogate pair. */
export function pieces(text: string, offset: number): FeedChunk[] {
  const out: FeedChunk[] = [];
  let start = Math.max(0, Math.min(offset, text.length));
  while (start < text.length) {
    let end = Math.min(start + REPLAY_PIECE, text.length);
    const c = text.charCodeAt(end - 1);
    if (end < text.length && c >= 0xd800 && c <= 0xdbff) end--;
    out.push({ text: text.slice(start, end), end });
    start = end;
  }
  return out;
}

/** The stored feed of a reply as the store has it now, with its sources when it is done. */
export async function openStoredReplyFeed(store: Store, message: Message): Promise<ReplyFeed> {
  const sources = message.status === 'done' ? (await store.messages.sources([message.id])).get(message.id) : undefined;
  return storedReplyFeed(store, message, undefined, sources);
}

/**
 * A reply read from the store: finished ones replay at once; one still in progress in another
 * process is polled until it ends (the generating process saves its text as it goes).
 */
export function storedReplyFeed(store: Store, first: Message, pollMs = 500, sources: MessageSource[] = []): ReplyFeed {
  let message = first;
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;

  const poll = async () => {
    const next = await store.messages.get(message.accountId, message.id).catch(() => undefined);
    if (next && (next.content !== message.content || next.status !== message.status)) {
      message = next;
      for (const l of listeners) l();
    }
    if (message.status !== 'in_progress' || !next) stopPolling();
  };
  const stopPolling = () => {
    clearInterval(timer);
    timer = undefined;
    listeners.clear();
  };

  return {
    read(offset: number): FeedRead {
      if (message.status === 'failed') return { chunks: [], ending: failedEnding(message.content) };
      const chunks = pieces(message.content, offset);
      const ending: ReplyEnding | undefined = message.status === 'done'
        ? { outcome: 'done', usage: message.usage ?? undefined, sources: sources.length ? sources : undefined }
        : undefined;
      return { chunks, ending };
    },
    watch(listener) {
      if (message.status !== 'in_progress') return () => {};
      listeners.add(listener);
      timer ??= setInterval(() => void poll(), pollMs);
      return () => {
        listeners.delete(listener);
        if (!listeners.size) stopPolling();
      };
    },
  };
}
