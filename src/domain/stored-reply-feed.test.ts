import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import type { Message } from './entities.js';
import { pieces, storedReplyFeed } from './stored-reply-feed.js';

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function reply(overrides: Partial<Message> = {}): Message {
  return {
    id: 1, accountId: 1, conversationId: 1, content: '', machine: true, status: 'done', flagged: false,
    usage: null, createdAt: 0, ...overrides,
  };
}

/** A store whose one message the test changes, standing in for another process saving its progress. */
function storeWith(message: Message) {
  const box = { message };
  const store = { messages: { get: async () => box.message } } as unknown as Store;
  return { box, store };
}

describe('pieces', () => {
  it('covers the text from the offset exactly, each piece ending where the next starts', () => {
    const text = 'x'.repeat(40_000);
    const out = pieces(text, 100);
    expect(out.map((p) => p.text).join('')).toBe(text.slice(100));
    let start = 100;
    for (const p of out) {
      expect(p.end).toBe(start + p.text.length);
      start = p.end;
    }
    expect(start).toBe(text.length);
    expect(out.length).toBeGreaterThan(1);
  });

  it('never splits a surrogate pair, wherever the text starts and however long it is', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const text = prefix + '😀'.repeat(20_000) + 'é𝄞z';
      for (const offset of [0, prefix.length, prefix.length + 2, prefix.length + 16_384, prefix.length + 16_386]) {
        const out = pieces(text, offset);
        expect(out.map((p) => p.text).join('')).toBe(text.slice(offset));
        for (const p of out) {
          expect(isHigh(p.text.charCodeAt(p.text.length - 1)), `piece ending at ${p.end}`).toBe(false);
          expect(isLow(p.text.charCodeAt(0)), `piece ending at ${p.end}`).toBe(false);
          // Each piece must survive JSON (a lone surrogate would turn into U+FFFD in a UTF-8 stream).
          expect(Buffer.from(p.text, 'utf8').toString('utf8')).toBe(p.text);
        }
      }
    }
  });

  it('gives nothing from the end or past it', () => {
    expect(pieces('abc', 3)).toEqual([]);
    expect(pieces('abc', 10)).toEqual([]);
  });
});

describe('storedReplyFeed', () => {
  it('replays a finished reply from any offset, then ends with its usage', () => {
    const content = 'Hello, wörld 😀!';
    const { store } = storeWith(reply({ content, usage: { promptTokens: 2, completionTokens: 3 } }));
    const feed = storedReplyFeed(store, reply({ content, usage: { promptTokens: 2, completionTokens: 3 } }));
    for (let offset = 0; offset <= content.length; offset++) {
      if (isLow(content.charCodeAt(offset))) continue; // never an offset we hand out
      const read = feed.read(offset);
      expect(read.chunks.map((c) => c.text).join('')).toBe(content.slice(offset));
      expect(read.ending).toEqual({ outcome: 'done', usage: { promptTokens: 2, completionTokens: 3 } });
    }
  });

  it('replays a failed reply as its error (its content is the error text), with no chunks', () => {
    const failed = reply({ status: 'failed', content: 'The model service answered 500.' });
    const feed = storedReplyFeed(storeWith(failed).store, failed);
    expect(feed.read(0)).toEqual({ chunks: [], ending: { outcome: 'failed', reason: 'The model service answered 500.' } });
    expect(feed.read(7)).toEqual({ chunks: [], ending: { outcome: 'failed', reason: 'The model service answered 500.' } });
  });

  it('does not watch a finished reply', () => {
    const done = reply({ content: 'x' });
    let called = 0;
    storedReplyFeed(storeWith(done).store, done).watch(() => called++)();
    expect(called).toBe(0);
  });

  it('follows a reply in progress elsewhere by polling the store until it ends', async () => {
    const first = reply({ status: 'in_progress', content: 'Hel' });
    const { box, store } = storeWith(first);
    const feed = storedReplyFeed(store, first, 10);
    expect(feed.read(0)).toEqual({ chunks: [{ text: 'Hel', end: 3 }], ending: undefined });

    let wakes = 0;
    feed.watch(() => wakes++);
    box.message = reply({ status: 'in_progress', content: 'Hello, w' });
    await until(() => feed.read(3).chunks.length > 0);
    expect(feed.read(3)).toEqual({ chunks: [{ text: 'lo, w', end: 8 }], ending: undefined });

    box.message = reply({ status: 'done', content: 'Hello, world' });
    await until(() => feed.read(8).ending !== undefined);
    expect(feed.read(8)).toEqual({ chunks: [{ text: 'orld', end: 12 }], ending: { outcome: 'done', usage: undefined } });
    expect(wakes).toBeGreaterThanOrEqual(2);

    // Polling stopped with the end: later changes are not seen.
    const seen = wakes;
    box.message = reply({ status: 'done', content: 'changed' });
    await new Promise((r) => setTimeout(r, 60));
    expect(wakes).toBe(seen);
  });

  it('stops polling when the last watcher leaves', async () => {
    const first = reply({ status: 'in_progress', content: '' });
    let gets = 0;
    const store = { messages: { get: async () => (gets++, first) } } as unknown as Store;
    const feed = storedReplyFeed(store, first, 10);
    const unwatch = feed.watch(() => {});
    await until(() => gets > 1);
    unwatch();
    const after = gets;
    await new Promise((r) => setTimeout(r, 60));
    expect(gets - after).toBeLessThanOrEqual(1);
  });
});

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
