import { BlobTooLargeError } from '../blob-store/blob-store.js';
import { ApiError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { KnowledgeServices } from './knowledge-services.js';

const forbidden = (message: string) => new ApiError(403, message, 'upload_refused');
const tooLarge = (max: number) => new ApiError(413, `The file must not be larger than ${max} bytes.`, 'upload_too_large');

/** The media type without parameters, lower-cased: `Text/Plain; charset=utf-8` → `text/plain`. */
const mediaType = (value: string | undefined) => (value ?? '').split(';')[0].trim().toLowerCase();

/**
 * Takes the one PUT a signed upload URL allows: checks signature, expiry, declared type and size,
 * claims the upload so that the URL cannot be used again, and stores the bytes.
 *
 * A PUT that fails (the client went away, the file was too large) gives its claim back, so that it
 * can be sent again; one cut off by a crash leaves its claim behind, which is taken over once it
 * is older than `staleAfterMs` (the HTTP request timeout: no PUT lasts longer).
 */
export async function receiveUpload(
  { store, knowledge }: { store: Store; knowledge: KnowledgeServices },
  token: string,
  request: { contentType: string | undefined; contentLength: number | undefined; body: AsyncIterable<Uint8Array> },
  { staleAfterMs }: { staleAfterMs: number },
): Promise<{ key: string; size: number }> {
  const opened = knowledge.uploadUrls.open(token);
  if (!opened.ok) throw forbidden(opened.reason === 'expired' ? 'The upload URL has expired.' : 'The upload URL is invalid.');
  const { grant } = opened;
  if (mediaType(request.contentType) !== mediaType(grant.contentType)) {
    throw new ApiError(415, `The upload's Content-Type must be ${grant.contentType}.`, 'upload_wrong_type');
  }
  if (request.contentLength !== undefined && request.contentLength > grant.maxBytes) throw tooLarge(grant.maxBytes);
  const at = Date.now();
  if (!(await store.uploads.claimPut(grant.key, at, at - staleAfterMs))) throw forbidden('The upload URL has already been used.');
  let size: number;
  try {
    ({ size } = await knowledge.blobs.put(grant.key, request.body, { maxBytes: grant.maxBytes }));
  } catch (err) {
    await store.uploads.releasePut(grant.key, at);
    if (err instanceof BlobTooLargeError) throw tooLarge(grant.maxBytes);
    throw err;
  }
  await store.uploads.completePut(grant.key, size);
  return { key: grant.key, size };
}
