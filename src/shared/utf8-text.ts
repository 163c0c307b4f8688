/**
 * Decodes a byte stream's packets as UTF-8, keeping a character cut off at the end of one packet
 * for the next. What `setEncoding('utf8')` does, without the StringDecoder and the buffer Node
 * gives each stream for it: a few hundred bytes for every reply in progress (BENCHMARKS.md, held
 * streams). Invalid bytes become U+FFFD, as there.
 */
export class Utf8Text {
  /** The start of a character whose other bytes are still to come. */
  private rest: Buffer | undefined;

  decode(packet: Buffer): string {
    const bytes = this.rest ? Buffer.concat([this.rest, packet]) : packet;
    const whole = wholeLength(bytes);
    // A copy: a slice would keep the whole packet alive with it.
    this.rest = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
    return bytes.toString('utf8', 0, whole);
  }

  /** What is left at the end of the stream: an unfinished character, as U+FFFD. */
  end(): string {
    const rest = this.rest;
    this.rest = undefined;
    return rest ? rest.toString('utf8') : '';
  }
}

/** How many of `bytes` end on a character's boundary: all, unless the last character is incomplete. */
function wholeLength(bytes: Buffer): number {
  const n = bytes.length;
  // A character is at most 4 bytes: its lead byte is among the last 3 if it is cut off.
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + size > n && b < 0xf8 ? i : n;
  }
  return n;
}
