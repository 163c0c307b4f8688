import { ConfigError } from './config-error.js';
import { duration, read, type Env } from './env-parsers.js';

/** Bounds on each phase of an HTTP request, so that no client can hold a connection open by sending slowly. */
export interface HttpTimeouts {
  /** The longest a client may take to send a request's headers. */
  headersMs: number;
  /**
   * The longest a client may take to send a whole request, body included (an upload too). It does
   * not bound the answer: an event stream stays open for as long as its reply takes.
   */
  requestMs: number;
  /** How long an idle keep-alive connection is kept. */
  keepAliveMs: number;
}

/** HTTP_HEADERS_TIMEOUT, HTTP_REQUEST_TIMEOUT and HTTP_KEEPALIVE_TIMEOUT, checked against each other. */
export function readHttpTimeouts(env: Env): HttpTimeouts {
  // Never 0, which node:http takes as "no bound": a body sent a byte a minute would hold its socket forever.
  const requestMs = read(env, 'HTTP_REQUEST_TIMEOUT', duration(100, 86_400_000), 300_000);
  const headersMs = read(env, 'HTTP_HEADERS_TIMEOUT', duration(100, 3_600_000), Math.min(60_000, requestMs));
  const keepAliveMs = read(env, 'HTTP_KEEPALIVE_TIMEOUT', duration(100, 3_600_000), 72_000);
  if (headersMs > requestMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT', `must not be longer than HTTP_REQUEST_TIMEOUT (${requestMs} ms)`, env.HTTP_HEADERS_TIMEOUT!);
  }
  return { headersMs, requestMs, keepAliveMs };
}
