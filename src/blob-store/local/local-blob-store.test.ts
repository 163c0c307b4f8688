import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobTooLargeError, readWholeBlob } from '../blob-store.js';
import { localBlobStore } from './local-blob-store.js';

describe('localBlobStore', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'parley-blobs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const store = localBlobStore(root);
  async function* chunks(...parts: string[]) {
    for (const p of parts) yield Buffer.from(p);
  }

  it('keeps, returns and deletes a blob', async () => {
    expect(await store.put('a/b.txt', chunks('hello ', 'world'), { maxBytes: 100 })).toEqual({ size: 11 });
    expect((await readWholeBlob(store, 'a/b.txt'))?.toString()).toBe('hello world');
    await store.delete('a/b.txt');
    expect(await store.read('a/b.txt')).toBeUndefined();
  });

  it('keeps nothing of a body over the limit', async () => {
    await expect(store.put('big', chunks('12345', '67890'), { maxBytes: 8 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await store.read('big')).toBeUndefined();
    expect(readdirSync(root).filter((f) => f.startsWith('big'))).toEqual([]);
  });

  it('replaces the temporary file a put cut off by a crash left, and deletes it with the key', async () => {
    mkdirSync(path.join(root, 'cut'), { recursive: true });
    writeFileSync(path.join(root, 'cut/off.txt.part'), 'half of an older bo');
    expect(await store.put('cut/off.txt', chunks('whole'), { maxBytes: 100 })).toEqual({ size: 5 });
    expect((await readWholeBlob(store, 'cut/off.txt'))?.toString()).toBe('whole');
    expect(readdirSync(path.join(root, 'cut'))).toEqual(['off.txt']);
    writeFileSync(path.join(root, 'cut/never.txt.part'), 'a put that never finished');
    await store.delete('cut/never.txt');
    expect(readdirSync(path.join(root, 'cut'))).toEqual(['off.txt']);
  });

  it('refuses keys that would leave its folder', async () => {
    await expect(store.put('../x', chunks('x'), { maxBytes: 10 })).rejects.toThrow(/invalid blob key/);
    await expect(store.read('/etc/passwd')).rejects.toThrow(/invalid blob key/);
  });
});
