import type { OutgoingMessage } from 'node:http';

/**
 * Node keeps an HTTP message's head, for as long as the message lives, as the string it was built
 * in: a rope of about three pieces a header line, over a kilobyte for a response's dozen lines.
 * Reading one character makes V8 flatten it in place, and the pieces are freed. Worth it for the
 * messages held open for a reply's length, thousands at once: the event stream to the reader and
 * the request to the model (see BENCHMARKS.md, held streams).
 */
export function compactHead(message: OutgoingMessage): void {
  (message as unknown as { _header?: string | null })._header?.charCodeAt(0);
}
