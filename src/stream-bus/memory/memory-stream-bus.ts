import { ReplyBuffer } from '../reply-buffer.js';
import type { ReplyEnding, ReplyPublisher, StreamBus } from '../stream-bus.js';
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
  const forget = (replyId: number, live: ReplyBuffer) => retention.after(retainMs, () => {
    if (replies.get(replyId) === live) replies.delete(replyId);
  });
  return {
    open(replyId) {
      const live = new LivePublisher(replyId, forget);
      replies.set(replyId, live);
      return live;
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

/**
 * A reply of the embedded bus: its buffer is its publisher too, so that a reply in progress is one
 * object here, not a buffer and an object of two closures (BENCHMARKS.md, held streams).
 */
class LivePublisher extends ReplyBuffer implements ReplyPublisher {
  constructor(
    private readonly replyId: number,
    private readonly forget: (replyId: number, live: ReplyBuffer) => void,
  ) {
    super();
  }

  override end(ending: ReplyEnding): Promise<void> {
    if (!this.ended) {
      super.end(ending);
      this.forget(this.replyId, this);
    }
    return Promise.resolve();
  }
}
