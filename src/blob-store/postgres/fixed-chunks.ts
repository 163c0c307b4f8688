import { BlobTooLargeError } from '../blob-store.js';

/**
 * The body regrouped into pieces of exactly `size` bytes (the last one shorter), holding at most
 * one piece at a time; throws BlobTooLargeError as soon as the body passes `maxBytes`.
 */
export async function* fixedChunks(body: AsyncIterable<Uint8Array>, size: number, maxBytes: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  let total = 0;
  for await (const piece of body) {
    total += piece.byteLength;
    if (total > maxBytes) throw new BlobTooLargeError(maxBytes);
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (held + rest.length >= size) {
      const take = size - held;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      held = 0;
      rest = rest.subarray(take);
    }
    if (rest.length) {
      // A copy: the body's producer may reuse its buffer once it has been read.
      parts.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  if (held) yield Buffer.concat(parts, held);
}
