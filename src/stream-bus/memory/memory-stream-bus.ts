import { ReplyBuffer } from '../reply-buffer.js';
import type { StreamBus } from '../stream-bus.js';
import { retentionTimers } from '../retention-timers.js';
import { stopListeners } from '../stop-listeners.js';

/**
 * The embedded bus: replies live in this process's memory while they are generated, and for
 * `retainMs` after they end. Only briefly: a reader who comes later is served from the store,
 * which holds the finished reply before its end is published (and replays it in fewer, larger
 * events than the bus). The moment covers a reader who read the store just before the reply
 * was finished, who then finds it here ended rather than polling the store for it; a minute of it
 * kept a busy server's every recent reply in memory (about 4 KB each: 1,000 sends a second held
 * a quarter of a gigabyte).
 */
export function memoryStreamBus(options: { retainMs?: number } = {}): StreamBus {
  const retainMs = options.retainMs ?? 2_000;
  const replies = new Map<number, ReplyBuffer>();
  const retention = retentionTimers();
  const stops = stopListeners();
  return {
    open(replyId) {
      const live = new ReplyBuffer();
      replies.set(replyId, live);
      return {
        append: (text) => live.append(text),
        end: async (ending) => {
          if (live.ended) return;
          live.end(ending);
          retention.after(retainMs, () => {
            if (replies.get(replyId) === live) replies.delete(replyId);
          });
        },
      };
    },
    async feed(replyId) {
      return replies.get(replyId);
    },
    async requestStop(replyId) {
      stops.emit(replyId);
    },
    onStop: (listener) => stops.add(listener),
    async close() {
      retention.clear();
      replies.clear();
      stops.clear();
    },
  };
}
