import type { FeedChunk, FeedRead, ReplyEnding, ReplyFeed, ReplyPublisher, StreamBus } from '../stream-bus.js';

const NOTHING: FeedChunk[] = [];

/** One reply's chunks, kept in memory so a reader can start or resume at any offset. */
class LiveReply implements ReplyFeed, ReplyPublisher {
  private readonly chunks: FeedChunk[] = [];
  private length = 0;
  private ending: ReplyEnding | undefined;
  /** Usually one reader: an array costs a tenth of a Set's table, for every reply in progress. */
  private listeners: (() => void)[] = [];

  append(text: string): void {
    if (this.ending || text === '') return;
    this.length += text.length;
    this.chunks.push({ text, end: this.length });
    this.notify();
  }

  end(ending: ReplyEnding): void {
    if (this.ending) return;
    this.ending = ending;
    this.notify();
    this.listeners = [];
  }

  read(offset: number): FeedRead {
    const chunks = this.chunks;
    const last = chunks.length - 1;
    // The usual reader is one chunk behind: check that before searching.
    let i: number;
    if (last >= 0 && chunks[last].end > offset && (last === 0 || chunks[last - 1].end <= offset)) i = last;
    else i = firstEndingAfter(chunks, offset);
    let out = i > last ? NOTHING : chunks.slice(i);
    const start = i === 0 ? 0 : i <= last ? chunks[i - 1].end : this.length;
    if (out.length && offset > start) {
      // Resuming inside a chunk: hand out only its rest.
      out = [{ text: out[0].text.slice(offset - start), end: out[0].end }, ...out.slice(1)];
    }
    return { chunks: out, ending: this.ending };
  }

  watch(listener: () => void): () => void {
    if (this.ending) return () => {};
    this.listeners.push(listener);
    return () => {
      // A new array, not a splice: a listener that unsubscribes while notify() loops does not disturb it.
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

function firstEndingAfter(chunks: FeedChunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (chunks[mid].end > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

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
  const replies = new Map<number, LiveReply>();
  const timers = new Set<NodeJS.Timeout>();
  return {
    open(replyId) {
      const live = new LiveReply();
      replies.set(replyId, live);
      return {
        append: (text) => live.append(text),
        end: (ending) => {
          live.end(ending);
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (replies.get(replyId) === live) replies.delete(replyId);
          }, retainMs);
          timer.unref();
          timers.add(timer);
        },
      };
    },
    feed(replyId) {
      return replies.get(replyId);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      replies.clear();
    },
  };
}
