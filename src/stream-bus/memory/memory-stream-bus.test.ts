import { describe, expect, it } from 'vitest';
import type { FeedRead, ReplyFeed } from '../stream-bus.js';
import { memoryStreamBus } from './memory-stream-bus.js';

const textOf = (read: FeedRead) => read.chunks.map((c) => c.text).join('');

/** Reads a feed from `offset` the way the SSE pipe does: follow each chunk's `end`. */
function drain(feed: ReplyFeed, offset: number): string {
  let out = '';
  let cursor = offset;
  for (;;) {
    const { chunks } = feed.read(cursor);
    if (!chunks.length) return out;
    for (const c of chunks) out += c.text;
    cursor = chunks[chunks.length - 1].end;
  }
}

describe('memoryStreamBus', () => {
  const pieces = ['Hel', 'lo', ', ', 'wörld ', '😀', '!\n', 'end'];
  const full = pieces.join('');

  function published() {
    const bus = memoryStreamBus();
    const pub = bus.open(1);
    for (const p of pieces) pub.append(p);
    return { bus, pub, feed: bus.feed(1)! };
  }

  it('gives each chunk the reply length (UTF-16 code units) after it', () => {
    const { feed } = published();
    const { chunks } = feed.read(0);
    expect(chunks.map((c) => c.text)).toEqual(pieces);
    let length = 0;
    expect(chunks.map((c) => c.end)).toEqual(pieces.map((p) => (length += p.length)));
  });

  it('reads exactly the rest of the reply from every offset, including offsets inside a chunk', () => {
    const { feed } = published();
    for (let offset = 0; offset <= full.length; offset++) {
      const read = feed.read(offset);
      expect(textOf(read), `offset ${offset}`).toBe(full.slice(offset));
      expect(drain(feed, offset)).toBe(full.slice(offset));
      if (read.chunks.length) expect(read.chunks[read.chunks.length - 1].end).toBe(full.length);
    }
  });

  it('reads nothing past the end', () => {
    const { feed } = published();
    expect(feed.read(full.length + 5)).toEqual({ chunks: [], ending: undefined });
  });

  it('has no ending until the generation ends it, then the same ending for every reader', () => {
    const { pub, feed } = published();
    expect(feed.read(0).ending).toBeUndefined();
    pub.end({ usage: { promptTokens: 3, completionTokens: 4 } });
    expect(feed.read(0).ending).toEqual({ usage: { promptTokens: 3, completionTokens: 4 } });
    expect(feed.read(full.length)).toEqual({ chunks: [], ending: { usage: { promptTokens: 3, completionTokens: 4 } } });
  });

  it('ignores text appended after the end, and a second end', () => {
    const { pub, feed } = published();
    pub.end({ error: 'boom' });
    pub.append('late');
    pub.end({});
    expect(textOf(feed.read(0))).toBe(full);
    expect(feed.read(0).ending).toEqual({ error: 'boom' });
  });

  it('ignores empty pieces (they would repeat an id)', () => {
    const bus = memoryStreamBus();
    const pub = bus.open(2);
    pub.append('a');
    pub.append('');
    pub.append('b');
    expect(bus.feed(2)!.read(0).chunks).toEqual([{ text: 'a', end: 1 }, { text: 'b', end: 2 }]);
  });

  it('tells watchers about each new piece and the end, and stops after the end or unwatch', () => {
    const bus = memoryStreamBus();
    const pub = bus.open(3);
    const feed = bus.feed(3)!;
    let a = 0;
    let b = 0;
    feed.watch(() => a++);
    const unwatchB = feed.watch(() => b++);
    pub.append('x');
    unwatchB();
    pub.append('y');
    pub.end({});
    pub.append('z');
    expect(a).toBe(3);
    expect(b).toBe(1);
    let c = 0;
    feed.watch(() => c++);
    expect(c).toBe(0);
  });

  it('carries only the replies it was given, and keeps a finished one for a while', async () => {
    const bus = memoryStreamBus({ retainMs: 30 });
    expect(bus.feed(9)).toBeUndefined();
    const pub = bus.open(9);
    pub.append('kept');
    pub.end({});
    expect(textOf(bus.feed(9)!.read(0))).toBe('kept');
    await new Promise((r) => setTimeout(r, 200));
    expect(bus.feed(9)).toBeUndefined();
  });

  it('forgets everything on close', async () => {
    const { bus } = published();
    await bus.close();
    expect(bus.feed(1)).toBeUndefined();
  });

  it('finds the right chunk among many (the search, not just the last-chunk shortcut)', () => {
    const bus = memoryStreamBus();
    const pub = bus.open(4);
    let text = '';
    for (let i = 0; i < 500; i++) {
      const piece = `${i},`;
      text += piece;
      pub.append(piece);
    }
    const feed = bus.feed(4)!;
    for (const offset of [0, 1, 2, 37, 500, 1000, 1889, text.length - 1, text.length]) {
      expect(textOf(feed.read(offset)), `offset ${offset}`).toBe(text.slice(offset));
    }
  });
});
