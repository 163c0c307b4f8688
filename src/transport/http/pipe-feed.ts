import type { ServerResponse } from 'node:http';
import type { ReplyFeed } from '../../stream-bus/stream-bus.js';
import { chunkFrame, endingFrames, START_FRAME } from './sse-format.js';
import type { SseHub } from './sse-hub.js';

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
  const held = hub.add(res);
  let cursor = offset;
  let blocked = false;
  let finished = false;
  let scheduled = false;

  const pump = (prefix = '') => {
    if (finished || blocked || res.writableEnded) return;
    const { chunks, ending } = feed.read(cursor);
    let out = prefix;
    for (const c of chunks) out += chunkFrame(c);
    if (chunks.length) cursor = chunks[chunks.length - 1].end;
    if (ending) out += endingFrames(ending, baseUrl);
    if (out === '') return;
    held.lastWriteAt = Date.now();
    if (ending) {
      res.end(out);
      finish();
    } else if (!res.write(out)) {
      blocked = true;
      res.once('drain', () => {
        blocked = false;
        pump();
      });
    }
  };

  const flush = () => {
    scheduled = false;
    pump();
  };
  const unwatch = feed.watch(() => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(flush);
  });
  const finish = () => {
    finished = true;
    unwatch();
    hub.remove(held);
  };
  res.on('close', finish);
  // At shutdown: what a pending flush would have written goes out now, before the end; and the
  // connection closes after it, so that the server need not wait for the client to let go of it.
  held.close = () => {
    const socket = res.socket;
    blocked = false;
    pump();
    if (!finished) {
      res.end();
      finish();
    }
    socket?.end();
  };
  pump(fresh ? START_FRAME : '');
}
