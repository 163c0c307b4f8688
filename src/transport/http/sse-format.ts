import type { FeedChunk, ReplyEnding } from '../../stream-bus/stream-bus.js';

/** The id of the `[END]` event: a reconnect that presents it is told (204) that there is nothing more. */
export const END_EVENT_ID = 'end';

/**
 * One Server-Sent Event. `event` and `id` must not hold CR or LF (they would end the field);
 * multi-line data becomes several `data:` lines.
 */
export function sseEvent(data: string, fields: { event?: string; id?: string | number } = {}): string {
  let out = '';
  if (fields.event !== undefined) out += `event: ${singleLine(fields.event)}\n`;
  if (fields.id !== undefined) out += `id: ${singleLine(String(fields.id))}\n`;
  out += /[\r\n]/.test(data) ? data.split(/\r\n|\r|\n/).map((l) => `data: ${l}\n`).join('') : `data: ${data}\n`;
  return out + '\n';
}

function singleLine(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('An SSE event name or id cannot contain CR or LF.');
  return value;
}

/** `retry` makes a dropped client come back after a second rather than the browser's default three. */
export const START_FRAME = 'retry: 1000\n' + sseEvent('[START]');
export const END_FRAME = sseEvent('[END]', { id: END_EVENT_ID });
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';

/** A chunk event; its id is the reply's length after it, the offset a reconnect resumes from. */
export const chunkFrame = (c: FeedChunk) => sseEvent(JSON.stringify({ chunk: c.text }), { id: c.end });

/** The named events that close a reply (ignored by `onmessage`), then `[END]`. */
export function endingFrames(ending: ReplyEnding): string {
  let out = '';
  if (ending.usage) {
    const { promptTokens, completionTokens } = ending.usage;
    out += sseEvent(JSON.stringify({
      prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens,
    }), { event: 'usage' });
  }
  if (ending.error !== undefined) out += sseEvent(JSON.stringify({ message: ending.error }), { event: 'error' });
  return out + END_FRAME;
}
