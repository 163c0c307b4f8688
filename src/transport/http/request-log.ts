/**
 * Capability URLs: whoever has one may use it without an API key, so their tokens never reach a
 * log line (a log reader could otherwise replay a reply or fill an upload).
 */
const CAPABILITY_PATH = /^(\/(?:stream|uploads)\/)[^?#]*/;

/** The URL as logged: `/stream/<token>` → `/stream/[redacted]`, and alike for `/uploads/<token>`. */
export function redactedUrl(url: string | undefined): string | undefined {
  return url?.replace(CAPABILITY_PATH, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  /** fastify's request has `ip`; the stream endpoint logs `remoteAddress` itself. */
  ip?: string;
  remoteAddress?: string;
  socket?: { remotePort?: number };
  remotePort?: number;
}

/** pino's serializer of `req`, for fastify's requests and the stream endpoint's alike: tokens redacted. */
export function requestLogValue(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactedUrl(req.url),
    host: req.host,
    remoteAddress: req.ip ?? req.remoteAddress,
    remotePort: req.socket?.remotePort ?? req.remotePort,
  };
}
