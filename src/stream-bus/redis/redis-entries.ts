import type { ReplyBuffer } from '../reply-buffer.js';
import { failedEnding, type ReplyEnding } from '../stream-bus.js';

/**
 * How a reply is kept in its Redis Stream: one entry for the opening (so a reader can tell a
 * reply that has started from one the bus never carried), one per piece of text, one for the end.
 * The first field's name tells them apart; its value is the text, or the ending as JSON. A piece
 * also carries the reply's length after it (`e`), so that a reader skips a piece written twice
 * (a client resending a command whose answer a dropped connection lost).
 */
export const OPENED = 'o';
export const TEXT = 't';
export const TEXT_END = 'e';
export const ENDED = 'x';

/** Applies one stream entry's fields (`[name, value]`) to a reader's copy of the reply. */
export function applyEntry(buffer: ReplyBuffer, fields: string[]): void {
  switch (fields[0]) {
    case TEXT:
      if (fields[2] === TEXT_END && Number(fields[3]) <= buffer.size) break;
      buffer.append(fields[1]);
      break;
    case ENDED:
      buffer.end(endingOf(JSON.parse(fields[1])));
      break;
    default:
      // OPENED, and whatever a later version adds: nothing to read.
      break;
  }
}

/**
 * An ending as kept in its entry. One written by a version before the ending had an `outcome`
 * (`{error?, usage?, sources?}`) still reads right, so that a rolling upgrade keeps its readers.
 */
function endingOf(kept: ReplyEnding | { error?: string; outcome?: undefined }): ReplyEnding {
  if (kept.outcome !== undefined) return kept;
  const { error, ...done } = kept as { error?: string };
  return error !== undefined ? failedEnding(error) : { outcome: 'done', ...done };
}

/** Orders two stream entry ids (`<ms>-<seq>`). */
export function compareEntryIds(a: string, b: string): number {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const ms = Number(a.slice(0, da)) - Number(b.slice(0, db));
  return ms !== 0 ? ms : Number(a.slice(da + 1)) - Number(b.slice(db + 1));
}
