import type { ServerResponse } from 'node:http';
import { KEEP_ALIVE_FRAME } from './sse-format.js';

/** An open event stream, as its writer keeps it. */
export interface Held {
  readonly res: ServerResponse;
  lastWriteAt: number;
  /** Writes out whatever the stream has not sent yet, then ends it. */
  close(): void;
}

/**
 * Every open event stream, so that one timer (not one per stream) sends keep-alives to the idle
 * ones, and shutdown can close them all.
 */
export class SseHub {
  private readonly held = new Set<Held>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly keepAliveMs: number) {
    this.timer = setInterval(() => this.keepAlive(), Math.max(5, Math.floor(keepAliveMs / 3)));
    this.timer.unref();
  }

  get size(): number {
    return this.held.size;
  }

  add(h: Held): void {
    this.held.add(h);
  }

  remove(h: Held): void {
    this.held.delete(h);
  }

  private keepAlive(): void {
    const now = Date.now();
    for (const h of this.held) {
      if (now - h.lastWriteAt >= this.keepAliveMs) {
        h.lastWriteAt = now;
        h.res.write(KEEP_ALIVE_FRAME);
      }
    }
  }

  /** Ends every open stream (clients reconnect, to this server or another). */
  closeAll(): void {
    clearInterval(this.timer);
    for (const h of [...this.held]) h.close();
    this.held.clear();
  }
}
