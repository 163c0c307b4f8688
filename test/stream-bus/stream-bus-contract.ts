import { afterEach, describe, expect, it } from 'vitest';
import type { FeedRead, ReplyEnding, ReplyFeed, StreamBus } from '../../src/stream-bus/stream-bus.js';

/**
 * Two buses on one engine: `writer` generates, `reader` serves the stream (another process's bus
 * for a network adapter; the same bus for the in-process one, which has no other process).
 */
export interface BusPair {
  writer: StreamBus;
  reader: StreamBus;
  close(): Promise<void>;
}

/** Builds a pair whose buses keep an ended reply for `retainMs`. */
export type MakeBusPair = (options: { retainMs: number }) => Promise<BusPair>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything a reader gets from `offset` until the end, read the way the SSE pipe reads. */
export function follow(feed: ReplyFeed, offset = 0, timeoutMs = 5_000): Promise<{ text: string; ends: number[]; ending: ReplyEnding }> {
  return new Promise((resolve, reject) => {
    let cursor = offset;
    let text = '';
    const ends: number[] = [];
    let unwatch = () => {};
    const timer = setTimeout(() => {
      unwatch();
      reject(new Error(`no end after ${timeoutMs} ms; read ${JSON.stringify(text)}`));
    }, timeoutMs);
    const pump = () => {
      const { chunks, ending } = feed.read(cursor);
      for (const c of chunks) {
        text += c.text;
        ends.push(c.end);
      }
      if (chunks.length) cursor = chunks[chunks.length - 1].end;
      if (ending) {
        clearTimeout(timer);
        unwatch();
        resolve({ text, ends, ending });
      }
    };
    unwatch = feed.watch(pump);
    pump();
  });
}

/** The feed, once the bus carries it (a network bus may see it a moment after it was opened). */
async function feedOf(bus: StreamBus, replyId: number, timeoutMs = 2_000): Promise<ReplyFeed> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const feed = await bus.feed(replyId);
    if (feed) return feed;
    if (Date.now() > until) throw new Error(`reply ${replyId} is not on the bus after ${timeoutMs} ms`);
    await sleep(10);
  }
}

const textOf = (read: FeedRead) => read.chunks.map((c) => c.text).join('');

/** The behaviour every StreamBus adapter must have: the stream endpoint and the generations rely on each part. */
export function runStreamBusContract(name: string, make: MakeBusPair): void {
  describe(`StreamBus contract: ${name}`, () => {
    const pairs: BusPair[] = [];
    let nextId = Math.floor(Math.random() * 1e9);
    const pairOf = async (retainMs = 5_000) => {
      const pair = await make({ retainMs });
      pairs.push(pair);
      return pair;
    };
    afterEach(async () => {
      await Promise.all(pairs.splice(0).map((p) => p.close()));
    });

    const pieces = ['Hel', 'lo', ', ', 'wörld ', '😀', '!\n', 'end'];
    const full = pieces.join('');
    const boundaries = pieces.map((_, i) => pieces.slice(0, i + 1).join('').length);

    it('carries nothing for a reply it was never given', async () => {
      const { reader, writer } = await pairOf();
      expect(await reader.feed(nextId++)).toBeUndefined();
      expect(await writer.feed(nextId++)).toBeUndefined();
    });

    it('gives each chunk the reply length (UTF-16 code units) after it, in any process', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      for (const p of pieces) pub.append(p);
      await pub.end({ outcome: 'done', usage: { promptTokens: 3, completionTokens: 4 } });
      for (const bus of [writer, reader]) {
        const got = await follow(await feedOf(bus, id));
        expect(got.text).toBe(full);
        // A network bus may join pieces written together; every id is still the length after one of them.
        for (const end of got.ends) expect(boundaries).toContain(end);
        expect(got.ends.at(-1)).toBe(full.length);
        expect(got.ending).toEqual({ outcome: 'done', usage: { promptTokens: 3, completionTokens: 4 } });
      }
    });

    it('resumes from every offset, including offsets inside a chunk', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      for (const p of pieces) pub.append(p);
      await pub.end({ outcome: 'done' });
      const feed = await feedOf(reader, id);
      for (let offset = 0; offset <= full.length; offset++) {
        const got = await follow(feed, offset);
        expect(got.text, `offset ${offset}`).toBe(full.slice(offset));
        if (offset < full.length) expect(got.ends.at(-1)).toBe(full.length);
        expect(textOf(feed.read(offset))).toBe(full.slice(offset));
      }
    });

    it('follows a reply live from another process: each piece as it comes, then the end', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('first ');
      const feed = await feedOf(reader, id);
      const seen: string[] = [];
      let cursor = 0;
      const unwatch = feed.watch(() => {
        const { chunks } = feed.read(cursor);
        for (const c of chunks) seen.push(c.text);
        if (chunks.length) cursor = chunks[chunks.length - 1].end;
      });
      const whole = follow(feed);
      for (let i = 0; i < pieces.length; i++) {
        pub.append(pieces[i]);
        // Each piece reaches the reader before the next is written: it is followed, not read at the end.
        const want = `first ${pieces.slice(0, i + 1).join('')}`;
        const until = Date.now() + 2_000;
        while (seen.join('') !== want && Date.now() < until) await sleep(2);
        expect(seen.join('')).toBe(want);
      }
      await pub.end({ outcome: 'done', sources: [] });
      const got = await whole;
      unwatch();
      expect(got.text).toBe(`first ${full}`);
      expect(got.ending).toEqual({ outcome: 'done', sources: [] });
    });

    it('ends with the reason a reply failed, for readers already following and readers who come after', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('partial');
      const feed = await feedOf(reader, id);
      const following = follow(feed);
      await pub.end({ outcome: 'failed', reason: 'The model did not answer.' });
      expect(await following).toMatchObject({ text: 'partial', ending: { outcome: 'failed', reason: 'The model did not answer.' } });
      const later = await follow(await feedOf(reader, id));
      expect(later).toMatchObject({ text: 'partial', ending: { outcome: 'failed', reason: 'The model did not answer.' } });
    });

    it('carries sources and usage in the end exactly', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('x');
      const ending: ReplyEnding = {
        outcome: 'done',
        usage: { promptTokens: 10, completionTokens: 1, estimated: true },
        sources: [{ id: 7, documentId: 3, name: 'a.txt', excerpt: 'quote' } as never],
      };
      await pub.end(ending);
      expect((await follow(await feedOf(reader, id))).ending).toEqual(ending);
    });

    it('answers a reader at the end of an ended reply with the end alone (what a reconnect after the last chunk gets)', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('done');
      await pub.end({ outcome: 'done' });
      const feed = await feedOf(reader, id);
      expect(feed.read(4)).toEqual({ chunks: [], ending: { outcome: 'done' } });
      expect(feed.read(400)).toEqual({ chunks: [], ending: { outcome: 'done' } });
    });

    it('ignores text after the end, a second end and empty pieces', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('a');
      pub.append('');
      pub.append('b');
      await pub.end({ outcome: 'failed', reason: 'boom' });
      pub.append('late');
      await pub.end({ outcome: 'done' });
      await sleep(50);
      const got = await follow(await feedOf(reader, id));
      expect(got).toMatchObject({ text: 'ab', ending: { outcome: 'failed', reason: 'boom' } });
    });

    it('keeps an ended reply only for its bounded life, then carries it no more (the store serves it: the "finished long ago" case)', async () => {
      const { writer, reader } = await pairOf(300);
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('kept');
      await pub.end({ outcome: 'done' });
      expect(textOf((await feedOf(reader, id)).read(0))).toBe('kept');
      await sleep(1_200);
      expect(await reader.feed(id)).toBeUndefined();
      expect(await writer.feed(id)).toBeUndefined();
    });

    it('keeps a reply in progress past that life', async () => {
      const { writer, reader } = await pairOf(100);
      const id = nextId++;
      const pub = writer.open(id);
      pub.append('slow');
      await sleep(400);
      expect(textOf((await feedOf(reader, id)).read(0))).toBe('slow');
      await pub.end({ outcome: 'done' });
    });

    it('tells watchers nothing more once they unwatch or the reply ends', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const pub = writer.open(id);
      const feed = await feedOf(reader, id);
      let calls = 0;
      const unwatch = feed.watch(() => calls++);
      unwatch();
      pub.append('x');
      await pub.end({ outcome: 'done' });
      await sleep(50);
      expect(calls).toBe(0);
      let after = 0;
      (await feedOf(reader, id)).watch(() => after++);
      await sleep(50);
      expect(after).toBe(0);
    });

    it('delivers a stop asked of any process to the listeners of every process', async () => {
      const { writer, reader } = await pairOf();
      const id = nextId++;
      const heard: number[] = [];
      const stopListening = writer.onStop((replyId) => heard.push(replyId));
      await reader.requestStop(id);
      const until = Date.now() + 2_000;
      while (!heard.length && Date.now() < until) await sleep(5);
      expect(heard).toEqual([id]);
      stopListening();
      await reader.requestStop(id + 1);
      await sleep(100);
      expect(heard).toEqual([id]);
    });

    it('carries many replies at once without mixing them', async () => {
      const { writer, reader } = await pairOf();
      const ids = Array.from({ length: 20 }, () => nextId++);
      const pubs = ids.map((id) => writer.open(id));
      const feeds = await Promise.all(ids.map((id) => feedOf(reader, id)));
      const followed = feeds.map((f) => follow(f));
      for (let round = 0; round < 5; round++) {
        pubs.forEach((p, i) => p.append(`${ids[i]}:${round};`));
        await sleep(5);
      }
      await Promise.all(pubs.map((p) => p.end({ outcome: 'done' })));
      const got = await Promise.all(followed);
      got.forEach((g, i) => expect(g.text).toBe([0, 1, 2, 3, 4].map((r) => `${ids[i]}:${r};`).join('')));
    });
  });
}
