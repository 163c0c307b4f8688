import type { CodyErrorBody } from './types.js';

/**
 * A refusal from Parley: the HTTP status and the Cody error body as sent. Network failures are
 * not wrapped (they reject with fetch's own TypeError), so `instanceof ParleyError` means "the
 * server answered, and said no".
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';

  constructor(
    readonly status: number,
    readonly body: CodyErrorBody,
    /** The method and path asked for, e.g. `POST /messages`. */
    readonly request: string,
  ) {
    super(body.message);
  }

  /** Field-by-field messages of a 422 (empty otherwise). */
  get fieldErrors(): Record<string, string[]> {
    return this.body.errors ?? {};
  }

  /** 401: no key, or a malformed, unknown or revoked one. */
  get unauthenticated(): boolean {
    return this.status === 401;
  }

  /** 402: the account's 30-day message limit is reached. */
  get quotaExceeded(): boolean {
    return this.status === 402;
  }

  /** 422: the input was refused; `fieldErrors` says why. */
  get invalid(): boolean {
    return this.status === 422;
  }
}

/** Reads a refusal's body; a body that is not the Cody shape still gives a readable message. */
export async function errorFrom(res: Response, request: string): Promise<ParleyError> {
  const text = await res.text().catch(() => '');
  let body: CodyErrorBody = { message: text.trim() || `${res.status} ${res.statusText}`.trim() };
  try {
    const parsed = JSON.parse(text) as Partial<CodyErrorBody>;
    if (parsed && typeof parsed.message === 'string') body = parsed as CodyErrorBody;
  } catch {
    // not JSON: keep the text as the message
  }
  return new ParleyError(res.status, body, request);
}
