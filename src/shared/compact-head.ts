import type { OutgoingMessage } from 'node:http';

/** What a sent head is replaced by: Node reads it only for its truthiness then. */
const SENT_HEAD = ' ';

/**
 * Node keeps an HTTP message's head, for as long as the message lives, as the string it was built
 * in: a rope of about three pieces a header line, over a kilobyte for a response's dozen lines.
 * Once the head has gone out with the first write (`_headerSent`), Node reads `_header` only as
 * a flag (`headersSent`, and the checks that refuse a second head), so a one-character stand-in
 * keeps its behaviour and frees the string. A head not yet sent is flattened instead: reading one
 * character makes V8 copy the rope into one string, and the pieces are freed. Worth it for the
 * messages held open for a reply's length, thousands at once: the event stream to the reader and
 * the request to the model (see BENCHMARKS.md, held streams).
 */
export function compactHead(message: OutgoingMessage): void {
  const m = message as unknown as { _header?: string | null; _headerSent?: boolean };
  if (typeof m._header !== 'string') return;
  if (m._headerSent === true) m._header = SENT_HEAD;
  else m._header.charCodeAt(0);
}
