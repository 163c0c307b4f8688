import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { compactHead } from '../shared/compact-head.js';
import { SseParser } from '../shared/sse-parser.js';
import { ChatModelError, type ChatEnd, type ChatRequest } from './chat-model.js';
import { connectionError, errorFromResponse } from './http-errors.js';

/**
 * Connections to model services are kept alive and reused: a reply's request then costs no TCP
 * (or TLS) handshake, and node:http streams the body with less work per piece than fetch's web
 * streams, which matters at thousands of chunks a second.
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }),
};

/** A provider's reading of its own stream, one server-sent event at a time. */
export interface EventDecoder {
  /** One event's data: a piece of text, the reply's end, or nothing (pings, usage, and the like). */
  event(data: string): string | ChatEnd | undefined;
  /** The answer ended without an end event: a finish when the provider said enough, else an error. */
  closed(): ChatEnd;
}

/** An event's JSON object, or undefined when its data is not one (the stream is then `malformed`). */
export function parseEvent<T extends object>(data: string): T | undefined {
  try {
    const json: unknown = JSON.parse(data);
    return typeof json === 'object' && json !== null ? (json as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The end of an answer whose events could not be read. */
export const malformed = (): ChatEnd => ({ type: 'error', error: new ChatModelError('The model sent a malformed stream.') });

/** The end of an answer that stopped before its end event: worth another try. */
export const closedBeforeTheEnd = (): ChatEnd => ({
  type: 'error', error: new ChatModelError('The model closed the stream before finishing the reply.', { isRetryable: true }),
});

/** How long an abandoned answer may take to end before its connection is closed instead of reused. */
const LINGER_MS = 1000;

/**
 * POSTs a provider's streaming request and reads its server-sent events with `decoder`, passing
 * text to `onText` as each packet is parsed; resolves with the reply's end (never rejects):
 * - an error status: the ChatModelError made of it (code, the provider's message, Retry-After);
 * - the service unreachable, or the connection broken midway: a retryable "could not be reached";
 * - `signal` aborted: an aborted error with the signal's reason as its message, and the request
 *   is closed at once;
 * - no text within `firstTextTimeoutMs`: a "sent nothing" error, and the request is closed;
 * - an end event: that end, and the connection goes back to the pool once the answer's last bytes
 *   (normally a moment behind) have been read.
 */
export function streamEvents(
  url: URL, headers: Record<string, string>, body: string, request: Pick<ChatRequest, 'signal' | 'firstTextTimeoutMs'>,
  decoder: EventDecoder, onText: (text: string) => void,
): Promise<ChatEnd> {
  const { signal } = request;
  if (signal.aborted) return Promise.resolve({ type: 'error', error: connectionError(signal.reason, signal) });
  const secure = url.protocol === 'https:';
  const req = (secure ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    agent: agents[secure ? 'https:' : 'http:'],
    headers: { ...headers, 'content-length': Buffer.byteLength(body) },
  });
  const ended = readEvents(req, request, decoder, onText);
  // The body is not kept for the reply's length: no listener refers to it.
  req.end(body);
  compactHead(req);
  return ended;
}

function readEvents(
  req: ClientRequest, { signal, firstTextTimeoutMs }: Pick<ChatRequest, 'signal' | 'firstTextTimeoutMs'>,
  decoder: EventDecoder, onText: (text: string) => void,
): Promise<ChatEnd> {
  return new Promise((resolve) => {
    let settled = false;
    let waiting: NodeJS.Timeout | undefined;
    const end = (part: ChatEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(waiting);
      resolve(part);
    };
    if (firstTextTimeoutMs !== undefined) {
      waiting = setTimeout(() => {
        const error = new ChatModelError(`The model sent nothing within ${firstTextTimeoutMs / 1000} s.`);
        end({ type: 'error', error });
        req.destroy(error);
      }, firstTextTimeoutMs);
    }
    const fail = (err: unknown) => end({ type: 'error', error: connectionError(err, signal) });
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    // Worded as fetch words it, for connectionError: the socket's error is the cause.
    req.on('error', (err) => fail(Object.assign(new TypeError('fetch failed'), { cause: err })));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      if (status < 200 || status >= 300) {
        readError(res, status).then(fail);
        return;
      }
      const parser = new SseParser();
      res.on('data', (text: string) => {
        if (settled) return;
        for (const event of parser.push(text)) {
          // Text that arrives after a stop is not the reply's: the stop's error ends it instead.
          if (signal.aborted) return fail(signal.reason);
          const part = decoder.event(event.data);
          if (part === undefined) continue;
          if (typeof part === 'string') {
            if (waiting) {
              clearTimeout(waiting);
              waiting = undefined;
            }
            onText(part);
            continue;
          }
          end(part);
          lingerUntilEnd(res);
          return;
        }
      });
      res.on('end', () => end(decoder.closed()));
      const broken = (cause: Error) => fail(Object.assign(new TypeError('terminated'), { cause }));
      res.on('error', broken);
      res.on('close', () => {
        if (!res.complete) broken(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));
      });
    });
  });
}

/** Reads an error answer whole (or what arrived of it) into its ChatModelError. */
function readError(res: IncomingMessage, status: number) {
  return new Promise<string>((resolve) => {
    let text = '';
    res.on('data', (c: string) => (text += c));
    res.on('error', () => undefined);
    // 'close' also comes after a body cut short: the error is then made of what arrived.
    res.on('close', () => resolve(text));
  }).then((text) => errorFromResponse(new Response(text, { status, headers: headersOf(res) })));
}

function headersOf(res: IncomingMessage): Headers {
  const out = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  return out;
}

/** After the stream's end event the answer's end is normally a moment behind: read up to it, so the connection is reused. */
function lingerUntilEnd(res: IncomingMessage): void {
  if (res.complete) return;
  const timer = setTimeout(() => res.destroy(), LINGER_MS);
  res.once('end', () => clearTimeout(timer));
}
