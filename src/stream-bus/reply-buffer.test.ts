import { describe, expect, it } from 'vitest';
import { ReplyBuffer } from './reply-buffer.js';
import type { FeedRead, ReplyFeed } from './stream-bus.js';

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

describe('ReplyBuffer', () => {
  const pieces = ['Hel', 'lo', ', ', 'wörld ', '😀', '!\n', 'end'];
  const full = pieces.join('');

  function published() {
    const pub = new ReplyBuffer();
    for (const p of pieces) pub.append(p);
    return { pub, feed: pub };
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
    pub.end({ outcome: 'done', usage: { promptTokens: 3, completionTokens: 4 } });
    expect(feed.read(0).ending).toEqual({ outcome: 'done', usage: { promptTokens: 3, completionTokens: 4 } });
    expect(feed.read(full.length)).toEqual({ chunks: [], ending: { outcome: 'done', usage: { promptTokens: 3, completionTokens: 4 } } });
  });

  it('ignores text appended after the end, and a second end', () => {
    const { pub, feed } = published();
    pub.end({ outcome: 'failed', reason: 'boom' });
    pub.append('late');
    pub.end({ outcome: 'done' });
    expect(textOf(feed.read(0))).toBe(full);
    expect(feed.read(0).ending).toEqual({ outcome: 'failed', reason: 'boom' });
  });

  it('ignores empty pieces (they would repeat an id)', () => {
    const pub = new ReplyBuffer();
    pub.append('a');
    pub.append('');
    pub.append('b');
    expect(pub.read(0).chunks).toEqual([{ text: 'a', end: 1 }, { text: 'b', end: 2 }]);
  });

  it('tells watchers about each new piece and the end, and stops after the end or unwatch', () => {
    const pub = new ReplyBuffer();
    const feed = pub;
    let a = 0;
    let b = 0;
    feed.watch(() => a++);
    const unwatchB = feed.watch(() => b++);
    pub.append('x');
    unwatchB();
    pub.append('y');
    pub.end({ outcome: 'done' });
    pub.append('z');
    expect(a).toBe(3);
    expect(b).toBe(1);
    let c = 0;
    feed.watch(() => c++);
    expect(c).toBe(0);
  });

  it('tells its owner when the first watcher comes and the last one leaves, or the reply ends', () => {
    const seen: boolean[] = [];
    const buf = new ReplyBuffer((watched) => seen.push(watched));
    const a = buf.watch(() => {});
    const b = buf.watch(() => {});
    a();
    a();
    b();
    expect(seen).toEqual([true, false]);
    buf.watch(() => {});
    buf.end({ outcome: 'done' });
    expect(seen).toEqual([true, false, true, false]);
  });

  it('finds the right chunk among many (the search, not just the last-chunk shortcut)', () => {
    const pub = new ReplyBuffer();
    let text = '';
    for (let i = 0; i < 500; i++) {
      const piece = `${i},`;
      text += piece;
      pub.append(piece);
    }
    const feed = pub;
    for (const offset of [0, 1, 2, 37, 500, 1000, 1889, text.length - 1, text.length]) {
      expect(textOf(feed.read(offset)), `offset ${offset}`).toBe(text.slice(offset));
    }
  });
});
