import type { Store } from '../store/store.js';
import { hasEnded, type FeedRead, type ReplyFeed } from '../stream-bus/stream-bus.js';
import type { Message } from './entities.js';
import { openStoredReplyFeed } from './stored-reply-feed.js';

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
    if (stored || hasEnded(live)) return stopChecking();
    const now = await store.messages.get(message.accountId, message.id).catch(() => undefined);
    if (!now || now.status === 'in_progress' || stored || hasEnded(live)) return;
    const feed = await openStoredReplyFeed(store, now).catch(() => undefined);
    // Asked again at the next check if the store could not be read.
    if (!feed || stored) return;
    stored = feed;
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
