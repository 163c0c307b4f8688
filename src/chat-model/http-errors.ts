import { ChatModelError, type Cancellation } from './chat-model.js';

/** Statuses worth another try: rate limits, overload (Anthropic's 529) and server errors. */
export const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const raw = headers.get('retry-after-ms') ?? undefined;
  if (raw && /^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The error for a non-2xx answer, with the provider's own message when its body has one. */
export async function errorFromResponse(response: Response): Promise<ChatModelError> {
  const body = await response.text().catch(() => '');
  let detail: string | undefined;
  try {
    const json = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    detail = typeof json.error === 'string' ? json.error : json.error?.message ?? json.message;
  } catch {
    detail = body.trim().slice(0, 200) || undefined;
  }
  return new ChatModelError(`The model service answered ${response.status}${detail ? `: ${detail}` : '.'}`, {
    statusCode: response.status,
    isRetryable: isRetryableStatus(response.status),
    retryAfterMs: retryAfterMs(response.headers),
  });
}

/**
 * The error for a request that never got an answer, or whose stream broke; an error status's
 * ChatModelError (from streamEvents) passes through.
 */
export function connectionError(err: unknown, signal: Cancellation): ChatModelError {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return new ChatModelError(reason?.message ?? 'The request to the model was aborted.', { cause: err, aborted: true });
  }
  if (err instanceof ChatModelError) return err;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error).message;
  return new ChatModelError(`The model could not be reached (${detail}).`, { isRetryable: true, cause: err });
}
