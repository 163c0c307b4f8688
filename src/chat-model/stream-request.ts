import type { ChatStreamPart } from './chat-model.js';
import { connectionError, errorFromResponse } from './http-errors.js';
import { postForStream, readText } from './http-post.js';

/**
 * POSTs a provider's streaming request and hands its text to `readStream`, the provider's own
 * wire format; a request that is not answered, or answered with an error status, becomes one
 * error part, as the ChatModel contract wants.
 */
export async function* streamRequest(
  url: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
  readStream: (text: AsyncIterable<string>, signal: AbortSignal) => AsyncIterable<ChatStreamPart>,
): AsyncIterable<ChatStreamPart> {
  let answer;
  try {
    answer = await postForStream(url, headers, body, signal);
  } catch (err) {
    yield { type: 'error', error: connectionError(err, signal) };
    return;
  }
  if (!answer.ok) {
    yield { type: 'error', error: await errorFromResponse(answer.response) };
    return;
  }
  yield* readStream(readText(answer.body), signal);
}
