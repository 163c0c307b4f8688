import type { Store } from '../store/store.js';
import type { FeedRead, ReplyFeed } from '../stream-bus/stream-bus.js';
import type { Message } from './entities.js';
import { storedReplyFeed } from './stored-reply-feed.js';

const AT_THE_END = Number.MAX_SAFE_INTEGER;

/**
 * A reply another process writes, followed on the bus, with the store asked every `checkMs`
 * while it is followed and not ended. A process that dies between storing its reply and giving the
 * bus its end leaves a stream that no one will end; once the store has the reply ended, its readers
 * are served the rest, and the end, from the store (the bus's text is the start of the stored one;
 * a failed reply's reason comes whatever the offset). One primary-key read per period per
 * followed reply, and none for replies this process writes itself.
 */
export function storeCheckedFeed(store: Store, message: Message, live: ReplyFeed, checkMs: number): ReplyFeed {
  let stored: ReplyFeed | undefined;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<() => void>();

  const stopChecking = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const check = async () => {
    if (stored || live.read(AT_THE_END).ending) return stopChecking();
    const now = await store.messages.get(message.accountId, message.id).catch(() => undefined);
    if (!now || now.status === 'in_progress' || stored || live.read(AT_THE_END).ending) return;
    const sources = now.status === 'done' ? (await store.messages.sources([now.id]).catch(() => undefined))?.get(now.id) : undefined;
    stored = storedReplyFeed(store, now, undefined, sources);
    stopChecking();
    for (const l of [...listeners]) l();
  };

  return {
    remote: true,
    read(offset: number): FeedRead {
      return stored ? stored.read(offset) : live.read(offset);
    },
    watch(listener) {
      if (stored) return () => {};
      listeners.add(listener);
      const unwatch = live.watch(listener);
      if (!timer) {
        timer = setInterval(() => void check(), checkMs);
        timer.unref();
      }
      return () => {
        unwatch();
        listeners.delete(listener);
        if (!listeners.size) stopChecking();
      };
    },
  };
}
