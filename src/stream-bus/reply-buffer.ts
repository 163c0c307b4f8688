import type { FeedChunk, FeedRead, ReplyEnding, ReplyFeed } from './stream-bus.js';

const NOTHING: FeedChunk[] = [];

/**
 * One reply's chunks in this process's memory, so a reader can start or resume at any offset:
 * the in-process bus keeps the reply itself here, a network bus its copy of it.
 */
export class ReplyBuffer implements ReplyFeed {
  private readonly chunks: FeedChunk[] = [];
  private length = 0;
  private ending: ReplyEnding | undefined;
  /** Usually one reader: an array costs a tenth of a Set's table, for every reply in progress. */
  private listeners: (() => void)[] = [];

  /** `onWatched(true)` when the first watcher comes, `(false)` when the last leaves (a network bus follows only then). */
  constructor(private readonly onWatched?: (watched: boolean) => void, readonly remote = false) {}

  get size(): number {
    return this.length;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

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
    const had = this.listeners.length > 0;
    this.listeners = [];
    if (had) this.onWatched?.(false);
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
    if (this.listeners.length === 1) this.onWatched?.(true);
    return () => {
      if (!this.listeners.includes(listener)) return;
      // A new array, not a splice: a listener that unsubscribes while notify() loops does not disturb it.
      this.listeners = this.listeners.filter((l) => l !== listener);
      if (!this.listeners.length) this.onWatched?.(false);
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
