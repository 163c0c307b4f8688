import type { ServerResponse } from 'node:http';
import type { ReplyFeed } from '../../stream-bus/stream-bus.js';
import { chunkFrame, endingFrames, START_FRAME } from './sse-format.js';
import type { SseHub } from './sse-hub.js';

/**
 * Writes a reply feed to an open event stream from `offset` on, as fast as the client reads:
 * everything available goes out in one write, and nothing more is read while the socket is full.
 */
export function pipeFeed(res: ServerResponse, feed: ReplyFeed, offset: number, hub: SseHub, fresh: boolean): void {
  const held = hub.add(res);
  let cursor = offset;
  let blocked = false;
  let finished = false;

  const pump = () => {
    if (finished || blocked) return;
    const { chunks, ending } = feed.read(cursor);
    let out = '';
    for (const c of chunks) out += chunkFrame(c);
    if (chunks.length) cursor = chunks[chunks.length - 1].end;
    if (ending) out += endingFrames(ending);
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

  const unwatch = feed.watch(pump);
  const finish = () => {
    finished = true;
    unwatch();
    hub.remove(held);
  };
  res.on('close', finish);
  if (fresh) res.write(START_FRAME);
  pump();
}
