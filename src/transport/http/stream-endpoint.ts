import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { openReplyFeed } from '../../domain/open-reply-feed.js';
import { ApiError, notFound } from '../../errors.js';
import { compactHead } from '../../shared/compact-head.js';
import { answerHeaders, errorResponse, writeError } from './error-response.js';
import { publicBase } from './public-base.js';
import { requestIdOf } from './request-id.js';
import type { RouteDeps } from './route-deps.js';
import { END_EVENT_ID } from './sse-format.js';
import { pipeFeed } from './pipe-feed.js';

/** Beside answerHeaders (CORS, the request id), which every answer carries. */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Tells nginx (and proxies that copy it) not to buffer the stream.
  'x-accel-buffering': 'no',
};

/**
 * keep-alive when the connection can carry another request after the stream: HTTP/1.1 (chunked)
 * and node:http keeping it (no `Connection: close`). An HTTP/1.0 stream has no length, so node
 * closes it at the end whatever was asked. Set by hand, the header overrides node's own choice.
 */
function connectionFor(req: IncomingMessage, res: ServerResponse): 'close' | 'keep-alive' {
  return req.httpVersion === '1.1' && res.shouldKeepAlive ? 'keep-alive' : 'close';
}

const PREFIX = '/stream/';
/** The stream URLs' route, as the metrics name it (never the token). */
const STREAM_ROUTE = '/stream/:token';

/**
 * The stream URL: a capability (no API key), answering the seed's protocol — `[START]`, one
 * `{"chunk"}` per piece, `[END]` — and resuming after `Last-Event-ID`. GET, and POST too: `curl -L
 * -X POST` (the published example, plus -L) keeps the method across the 302.
 *
 * Served by the HTTP server ahead of fastify (see server.ts): an event stream stays open for its
 * reply's whole length, thousands at once, and fastify keeps its request, reply and child logger
 * for each until the end (0.7 KB a stream, see BENCHMARKS.md), besides routing and hooks on every
 * open. Answers keep the API's conventions: CORS headers, X-Request-Id, `{message}` errors.
 * Returns false for any other request, which fastify then serves.
 */
export function streamEndpoint(deps: RouteDeps): (this: Server, req: IncomingMessage, res: ServerResponse) => boolean {
  return function serve(this: Server, req, res) {
    const url = req.url ?? '';
    const method = req.method;
    if (!url.startsWith(PREFIX) || (method !== 'GET' && method !== 'POST' && method !== 'HEAD')) return false;
    // A POST's body means nothing here; reading it keeps the connection usable.
    if (method === 'POST') req.resume();
    const id = requestIdOf(req);
    const started = performance.now();
    const { log } = deps;
    // Once the stream closed: its metrics, and one log line as for the API's requests.
    const logged = log.isLevelEnabled('info');
    res.once('close', () => {
      const ms = performance.now() - started;
      deps.metrics.request(method ?? 'GET', STREAM_ROUTE, res.statusCode, ms / 1000);
      if (logged) {
        log.info({
          reqId: id, req: { method, url, host: req.headers.host, remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode }, responseTime: Math.round(ms),
        }, 'request');
      }
    });
    // As fastify's return503OnClosing: a server that is shutting down opens nothing new.
    if (!this.listening) {
      writeError(res, id, new ApiError(503, 'The server is shutting down.', 'closing', { expose: true }), { connection: 'close' });
      return true;
    }
    open(deps, req, res, id, url).catch((err: unknown) => {
      if (errorResponse(err).internal) log.error({ err, reqId: id }, 'request failed');
      if (!res.headersSent) writeError(res, id, err);
      else res.destroy();
    });
    return true;
  };
}

async function open(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, id: string, url: string): Promise<void> {
  const query = url.indexOf('?');
  const token = safeDecode(url.slice(PREFIX.length, query === -1 ? undefined : query));
  // Any malformed token, as any forged one, reads as not found.
  const opened = token === undefined ? undefined : deps.tokens.open(token);
  if (!opened?.ok) {
    if (opened?.reason === 'expired') throw new ApiError(410, 'This stream URL has expired.', 'expired');
    throw notFound('Stream');
  }
  // A reply followed from another process is checked against the store once a lease.
  const feed = await openReplyFeed(deps, opened.grant, { checkMs: deps.config.leaseMs });
  if (!feed) throw notFound('Stream');
  if (res.destroyed) return;

  const header = req.headers['last-event-id'];
  const lastEventId = Array.isArray(header) ? header[0] : header;
  // A client that already has [END] is told to stop reconnecting.
  if (lastEventId === END_EVENT_ID) {
    res.writeHead(204, answerHeaders(id)).end();
    return;
  }
  const offset = lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : 0;
  res.writeHead(200, { ...STREAM_HEADERS, connection: connectionFor(req, res), ...answerHeaders(id) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.socket?.setNoDelay(true);
  pipeFeed(res, feed, { offset, fresh: lastEventId === undefined, hub: deps.hub, baseUrl: publicBase(deps.config, req) });
  // After the first write, which sent the head with [START].
  compactHead(res);
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
