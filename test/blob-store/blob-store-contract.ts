import { createHash, randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobTooLargeError, readWholeBlob, type BlobStore } from '../../src/blob-store/blob-store.js';

const MB = 1024 * 1024;

// A full collection before each memory sample, so that the figure is what is still held, not
// garbage the collector has not reached yet.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const held = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function* pieces(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.isBuffer(p) ? p : Buffer.from(p);
}

/** `before` bytes, then the error a client that goes away mid-upload causes. */
async function* cutOff(before: number): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < before; sent += 256 * 1024) yield randomBytes(Math.min(256 * 1024, before - sent));
  throw new Error('the client went away');
}

const text = async (store: BlobStore, key: string) => (await readWholeBlob(store, key))?.toString();

/** What every BlobStore adapter does; `open` gives a store on an empty engine, closed after the suite. */
export function runBlobStoreContract(name: string, open: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('keeps, returns and deletes a blob', async () => {
      expect(await store.put('a/b.txt', pieces('hello ', 'world'), { maxBytes: 100 })).toEqual({ size: 11 });
      expect(await text(store, 'a/b.txt')).toBe('hello world');
      await store.delete('a/b.txt');
      expect(await store.read('a/b.txt')).toBeUndefined();
    });

    it('keeps an empty blob as empty, not as missing', async () => {
      expect(await store.put('empty', pieces(), { maxBytes: 10 })).toEqual({ size: 0 });
      expect((await readWholeBlob(store, 'empty'))?.length).toBe(0);
    });

    it('answers undefined for a key it never had, and deletes one without complaint', async () => {
      expect(await store.read('never/was')).toBeUndefined();
      await expect(store.delete('never/was')).resolves.toBeUndefined();
    });

    it('replaces a blob written again under its key', async () => {
      await store.put('over', pieces('the first, longer version'), { maxBytes: 100 });
      await store.put('over', pieces('second'), { maxBytes: 100 });
      expect(await text(store, 'over')).toBe('second');
    });

    it('keeps nothing of a body over the limit, and leaves the blob it would have replaced', async () => {
      await expect(store.put('big', pieces('12345', '67890'), { maxBytes: 8 })).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await store.read('big')).toBeUndefined();
      await store.put('big', pieces('small'), { maxBytes: 8 });
      await expect(store.put('big', pieces(randomBytes(3 * MB)), { maxBytes: 2 * MB })).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await text(store, 'big')).toBe('small');
    });

    it('leaves nothing readable of a put cut off mid-body, and the older blob whole', async () => {
      await expect(store.put('cut/new', cutOff(1.5 * MB), { maxBytes: 10 * MB })).rejects.toThrow('the client went away');
      expect(await store.read('cut/new')).toBeUndefined();
      await store.put('cut/old', pieces('before'), { maxBytes: 100 });
      await expect(store.put('cut/old', cutOff(2.5 * MB), { maxBytes: 10 * MB })).rejects.toThrow('the client went away');
      expect(await text(store, 'cut/old')).toBe('before');
      // The key takes a whole put afterwards, as a client's retry sends.
      await store.put('cut/new', pieces('retried'), { maxBytes: 100 });
      expect(await text(store, 'cut/new')).toBe('retried');
    });

    it('never mixes two blobs: a read under way when its key is replaced gives the old one whole, or fails', async () => {
      const old = randomBytes(3 * MB);
      await store.put('mixed', pieces(old), { maxBytes: 10 * MB });
      const reading = (await store.read('mixed'))![Symbol.asyncIterator]();
      const first = await reading.next();
      await store.put('mixed', pieces(randomBytes(3 * MB)), { maxBytes: 10 * MB });
      const parts = [first.value as Buffer];
      try {
        for (let next = await reading.next(); !next.done; next = await reading.next()) parts.push(next.value);
        expect(Buffer.concat(parts).equals(old)).toBe(true);
      } catch (err) {
        expect((err as Error).message).toMatch(/replaced or deleted while it was being read/);
      }
    });

    it('refuses keys that would leave its space', async () => {
      await expect(store.put('../x', pieces('x'), { maxBytes: 10 })).rejects.toThrow(/invalid blob key/);
      await expect(store.read('/etc/passwd')).rejects.toThrow(/invalid blob key/);
      await expect(store.delete('a/../../b')).rejects.toThrow(/invalid blob key/);
    });

    it('streams a 20 MB blob in and out without holding it in memory', async () => {
      const size = 20 * MB;
      const sent = createHash('sha256');
      let peakIn = 0;
      const base = held();
      async function* source() {
        for (let at = 0; at < size; at += 64 * 1024) {
          const piece = randomBytes(64 * 1024);
          sent.update(piece);
          if (at % (1 * MB) === 0) peakIn = Math.max(peakIn, held() - base);
          yield piece;
        }
      }
      expect(await store.put('large/file.bin', source(), { maxBytes: 25 * MB })).toEqual({ size });

      const got = createHash('sha256');
      let length = 0;
      let largestPiece = 0;
      let peakOut = 0;
      const readBase = held();
      for await (const piece of (await store.read('large/file.bin'))!) {
        got.update(piece);
        length += piece.length;
        largestPiece = Math.max(largestPiece, piece.length);
        peakOut = Math.max(peakOut, held() - readBase);
      }
      expect(length).toBe(size);
      expect(got.digest('hex')).toBe(sent.digest('hex'));
      expect(largestPiece).toBeLessThanOrEqual(MB);
      // Holding the blob whole would be 20 MB or more; a few chunks in flight are a few MB.
      expect(peakIn).toBeLessThan(8 * MB);
      expect(peakOut).toBeLessThan(8 * MB);
    }, 60_000);
  });
}
