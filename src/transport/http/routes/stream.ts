import type { FastifyInstance } from 'fastify';
import { openReplyFeed } from '../../../domain/reply-feed.js';
import { ApiError, notFound } from '../../../errors.js';
import { CORS_HEADERS } from '../cors.js';
import type { RouteDeps } from '../route-deps.js';
import { END_EVENT_ID } from '../sse-format.js';
import { publicBase } from '../public-base.js';
import { pipeFeed } from '../sse-pipe.js';
import { compactHead } from '../../../shared/compact-head.js';

const STREAM_HEADERS = {
  ...CORS_HEADERS,
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx (and proxies that copy it) not to buffer the stream.
  'x-accel-buffering': 'no',
};

/**
 * The stream URL: a capability (no API key), answering the seed's protocol —
 * `[START]`, one `{"chunk"}` per piece, `[END]` — and resuming after `Last-Event-ID`.
 */
export function streamRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // POST too: `curl -L -X POST` (the published example, plus -L) keeps the method across the 302.
  // A wildcard, not `:token`: the router answers 414 to a parameter over its length limit, and any
  // malformed token must read as 404.
  app.route({ method: ['GET', 'POST'], url: '/stream/*', handler: async (request, reply) => {
    const opened = deps.tokens.open((request.params as { '*': string })['*']);
    if (!opened.ok) {
      if (opened.reason === 'expired') throw new ApiError(410, 'This stream URL has expired.', 'expired');
      throw notFound('Stream');
    }
    const feed = await openReplyFeed(deps, opened.grant);
    if (!feed) throw notFound('Stream');

    const header = request.headers['last-event-id'];
    const lastEventId = Array.isArray(header) ? header[0] : header;
    // A client that already has [END] is told to stop reconnecting.
    if (lastEventId === END_EVENT_ID) return reply.code(204).send();
    const offset = lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : 0;

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...STREAM_HEADERS, 'x-request-id': String(request.id) });
    compactHead(res);
    res.socket?.setNoDelay(true);
    pipeFeed(res, feed, { offset, fresh: lastEventId === undefined, hub: deps.hub, baseUrl: publicBase(deps.config, request) });
  } });
}
