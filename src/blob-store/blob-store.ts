/** Raised by `put` when the body passes `maxBytes`; nothing is kept then. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
  }
}

/**
 * The port for uploaded files. Keys are Parley's own (letters, digits, `-`, `_`, `.` and `/`
 * between segments). Adapters: `local/` (a folder on disk), `postgres/` (chunks in PostgreSQL,
 * shared by every process on the database). Bodies go in and come out as streams, so that a
 * large upload is never held in memory whole.
 */
export interface BlobStore {
  /**
   * Stores the body under `key`, replacing what was there, all or nothing: a put that fails or is
   * cut off leaves the key as it was. Returns the size.
   */
  put(key: string, body: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<{ size: number }>;
  /** The blob's bytes in pieces of at most about 1 MB, or undefined when there is none. */
  read(key: string): Promise<AsyncIterable<Buffer> | undefined>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Whether `key` is one a BlobStore accepts (no `..`, no absolute paths). */
export const isValidBlobKey = (key: string): boolean => key.length <= 512 && KEY.test(key);

/** Throws unless `key` is valid: every adapter refuses the same keys. */
export function checkBlobKey(key: string): void {
  if (!isValidBlobKey(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
}

/** The whole blob in one buffer, for readers that need it so (text extraction), or undefined. */
export async function readWholeBlob(blobs: BlobStore, key: string): Promise<Buffer | undefined> {
  const pieces = await blobs.read(key);
  if (!pieces) return undefined;
  const parts: Buffer[] = [];
  for await (const piece of pieces) parts.push(piece);
  return Buffer.concat(parts);
}
