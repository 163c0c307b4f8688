/** Raised by `put` when the body passes `maxBytes`; nothing is kept then. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
  }
}

/**
 * The port for uploaded files. Keys are Parley's own (letters, digits, `-`, `_`, `.` and `/`
 * between segments). Adapters: `local/` (a folder on disk).
 */
export interface BlobStore {
  /** Stores the body under `key`, all or nothing; returns its size. */
  put(key: string, body: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<{ size: number }>;
  /** The whole blob, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Whether `key` is one a BlobStore accepts (no `..`, no absolute paths). */
export const isValidBlobKey = (key: string): boolean => key.length <= 512 && KEY.test(key);
