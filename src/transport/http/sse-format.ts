import { unhandled } from '../../shared/unhandled.js';
import type { FeedChunk, ReplyEnding } from '../../stream-bus/stream-bus.js';
import { sourceJson, usageJson } from '../presenters.js';

/** The id of the `[END]` event: a reconnect that presents it is told (204) that there is nothing more. */
export const END_EVENT_ID = 'end';

/** The name of a failed reply's closing event. */
export const FAILURE_EVENT = 'failure';

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

/**
 * A chunk event; its id is the reply's length after it, the offset a reconnect resumes from.
 * Written out by hand because it is the one frame per chunk: the same bytes as
 * `sseEvent(JSON.stringify({ chunk }), { id })` (JSON text never holds a raw CR or LF).
 */
export const chunkFrame = (c: FeedChunk) => `id: ${c.end}\ndata: {"chunk":${JSON.stringify(c.text)}}\n\n`;

/**
 * The events that close a reply, then `[END]`. Named events are ignored by `onmessage`. A failed
 * reply's reason goes out twice: as `event: failure` (not `error`, which is EventSource's own
 * event for a dropped connection, so a page could not tell the two apart), and as an unnamed chunk
 * marked `failed`, so that a client that only assembles chunks (the reference's snippet) shows it.
 */
export function endingFrames(ending: ReplyEnding, baseUrl: string): string {
  switch (ending.outcome) {
    case 'done': {
      let out = '';
      if (ending.sources?.length) {
        out += sseEvent(JSON.stringify({ data: ending.sources.map((s) => sourceJson(s, baseUrl)) }), { event: 'sources' });
      }
      if (ending.usage) out += sseEvent(JSON.stringify(usageJson(ending.usage)), { event: 'usage' });
      return out + END_FRAME;
    }
    case 'failed':
      return sseEvent(JSON.stringify({ chunk: ending.reason, failed: true })) +
        sseEvent(JSON.stringify({ message: ending.reason }), { event: FAILURE_EVENT }) + END_FRAME;
    default:
      return unhandled(ending);
  }
}
