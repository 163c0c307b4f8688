import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { BlobTooLargeError, checkBlobKey, type BlobStore } from '../blob-store.js';

/** Read in pieces of this size: what the port promises of `read`. */
const PIECE_BYTES = 1024 * 1024;

/** Blobs as files under `root`; written to a temporary name first, so a reader never sees half a file. */
export function localBlobStore(root: string): BlobStore {
  const fileOf = (key: string) => {
    checkBlobKey(key);
    return path.join(root, key);
  };
  return {
    async put(key, body, { maxBytes }) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // One temporary name a key, replaced by each put: a retry after a crash overwrites what the
      // cut-off put left rather than adding to it (one put a key runs at a time: the store's claim).
      const temp = `${file}.part`;
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(size > maxBytes ? new BlobTooLargeError(maxBytes) : null, chunk);
        },
      });
      try {
        await pipeline(Readable.from(body), limit, createWriteStream(temp, { flags: 'w', mode: 0o600 }));
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { size };
    },
    async read(key) {
      // Opened before returning, so that a missing file is undefined here rather than an error
      // mid-read, and a put renaming over it meanwhile does not change what this read returns.
      try {
        const handle = await open(fileOf(key), 'r');
        return handle.createReadStream({ highWaterMark: PIECE_BYTES });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async delete(key) {
      const file = fileOf(key);
      await rm(file, { force: true });
      await rm(`${file}.part`, { force: true });
    },
    async close() {},
  };
}
