import type { ServerResponse } from 'node:http';
import type { ReplyFeed } from '../../stream-bus/stream-bus.js';
import { chunkFrame, endingFrames, START_FRAME } from './sse-format.js';
import type { Held, SseHub } from './sse-hub.js';

/**
 * Writes a reply feed to an open event stream from `offset` on, as fast as the client reads:
 * everything available goes out in one write, and nothing more is read while the socket is full.
 * Pieces added in one turn of the event loop (several model chunks read from one packet) are
 * written together: one system call for them all, not one each.
 */
export function pipeFeed(
  res: ServerResponse,
  feed: ReplyFeed,
  { offset, fresh, hub, baseUrl }: {
    offset: number;
    /** A new reader, not a reconnect: it gets [START]. */
    fresh: boolean;
    hub: SseHub;
    /** For the URLs in `event: sources`. */
    baseUrl: string;
  },
): void {
  new FeedPipe(res, feed, hub, baseUrl, offset).pump(fresh ? START_FRAME : '');
}

/** Where the response's listeners, shared by every stream, find its pipe: the response they are called on. */
const PIPE = Symbol('feed pipe');
type Piped = ServerResponse & { [PIPE]: FeedPipe };

/**
 * One stream's writing, as one object (the hub's entry too) that the response's listeners find
 * on the response: not six closures and their contexts for each stream held open (BENCHMARKS.md,
 * held streams).
 */
class FeedPipe implements Held {
  lastWriteAt = Date.now();
  private blocked = false;
  private finished = false;
  scheduled = false;
  private readonly unwatch: () => void;

  constructor(
    readonly res: ServerResponse,
    private readonly feed: ReplyFeed,
    private readonly hub: SseHub,
    private readonly baseUrl: string,
    private cursor: number,
  ) {
    hub.add(this);
    this.unwatch = feed.watch(this.more);
    (res as Piped)[PIPE] = this;
    res.on('close', onClose);
  }

  /** The feed's watcher: its own function, since the feed calls it without `this`. */
  private readonly more = () => {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(flush, this);
  };

  pump(prefix = ''): void {
    const { res } = this;
    if (this.finished || this.blocked || res.writableEnded) return;
    const { chunks, ending } = this.feed.read(this.cursor);
    let out = prefix;
    for (const c of chunks) out += chunkFrame(c);
    if (chunks.length) this.cursor = chunks[chunks.length - 1].end;
    if (ending) out += endingFrames(ending, this.baseUrl);
    if (out === '') return;
    this.lastWriteAt = Date.now();
    if (ending) {
      res.end(out);
      this.finish();
    } else if (!res.write(out)) {
      this.blocked = true;
      res.once('drain', onDrain);
    }
  }

  unblock(): void {
    this.blocked = false;
    this.pump();
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.unwatch();
    this.hub.remove(this);
  }

  // At shutdown: what a pending flush would have written goes out now, before the end; and the
  // connection closes after it, so that the server need not wait for the client to let go of it.
  close(): void {
    const socket = this.res.socket;
    this.unblock();
    if (!this.finished) {
      this.res.end();
      this.finish();
    }
    socket?.end();
  }
}

function flush(pipe: FeedPipe): void {
  pipe.scheduled = false;
  pipe.pump();
}

function onClose(this: Piped): void {
  this[PIPE].finish();
}

function onDrain(this: Piped): void {
  this[PIPE].unblock();
}
