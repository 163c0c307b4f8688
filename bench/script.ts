/**
 * How a bench client tells the scripted upstream what to send: the script rides in the user's
 * message, so it reaches the upstream unchanged whether the client calls it directly, through a
 * relay, through nginx or through Parley.
 */
export interface UpstreamScript {
  chunks: number;
  /** Characters per chunk (at least the timestamp marker's length). */
  size: number;
  /** Milliseconds between chunks; 0 sends as fast as the socket takes them. */
  intervalMs: number;
  /** Milliseconds before the first chunk. */
  firstMs: number;
}

export const scriptMessage = (s: UpstreamScript) => `bench:${s.chunks}:${s.size}:${s.intervalMs}:${s.firstMs}`;

export function parseScript(text: string): UpstreamScript | undefined {
  const m = /^bench:(\d+):(\d+):(\d+(?:\.\d+)?):(\d+)$/.exec(text);
  return m ? { chunks: +m[1], size: +m[2], intervalMs: +m[3], firstMs: +m[4] } : undefined;
}

/** Microseconds on the monotonic clock, which every process on the machine shares. */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * A chunk's text: `~<µs when the upstream wrote it>~` padded to `size`. Clients find the markers
 * in whatever framing carries them (Parley's `{"chunk"}` or the upstream's own deltas).
 */
export function chunkText(size: number, us = nowUs()): string {
  const mark = `~${us}~`;
  return mark.length >= size ? mark : mark + 'x'.repeat(size - mark.length);
}

const MARK = /~(\d{6,})~/g;

/** Calls `onMark` for each timestamp marker in `text`; `text` must end on an event boundary. */
export function scanMarks(text: string, onMark: (us: number) => void): void {
  MARK.lastIndex = 0;
  for (let m = MARK.exec(text); m; m = MARK.exec(text)) onMark(Number(m[1]));
}
