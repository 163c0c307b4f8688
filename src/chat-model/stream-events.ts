import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { compactHead } from '../shared/compact-head.js';
import { SseParser } from '../shared/sse-parser.js';
import { Utf8Text } from '../shared/utf8-text.js';
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
  // No content-length of ours: Node sets it from the body given to end() at once, and the
  // adapter's own headers object is used as is, not copied into one of a new shape for each
  // request, which the connection keeps for its life (BENCHMARKS.md, held streams).
  const req = (secure ? httpsRequest : httpRequest)(url, { method: 'POST', agent: agents[secure ? 'https:' : 'http:'], headers });
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
    const reader = new EventReader(req, signal, decoder, onText, resolve);
    if (firstTextTimeoutMs !== undefined) reader.waiting = setTimeout(sentNothing, firstTextTimeoutMs, reader, firstTextTimeoutMs);
    signal.addEventListener('abort', reader.abort);
    (req as Tagged<ClientRequest>)[READER] = reader;
    req.on('close', onRequestClose);
    req.on('error', onRequestError);
    req.on('response', onResponse);
  });
}

/** Where the shared listeners below find their request's reader: the emitter they are called on. */
const READER = Symbol('event reader');
type Tagged<T> = T & { [READER]: EventReader };

/**
 * One model request's reading, as one object that listeners shared by every request find on the
 * request or response they are called on (`this`): a request waiting for its model keeps this
 * object, not a closure and a context for each of its seven listeners (BENCHMARKS.md, held streams).
 */
class EventReader {
  settled = false;
  waiting: NodeJS.Timeout | undefined;
  parser: SseParser | undefined;
  utf8: Utf8Text | undefined;

  constructor(
    readonly req: ClientRequest,
    readonly signal: ChatRequest['signal'],
    readonly decoder: EventDecoder,
    readonly onText: (text: string) => void,
    private readonly resolve: (end: ChatEnd) => void,
  ) {}

  /** The signal's listener: its own function, since a signal calls it without `this`. */
  readonly abort = () => this.req.destroy(this.signal.reason instanceof Error ? this.signal.reason : new Error('aborted'));

  end(part: ChatEnd): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.waiting);
    this.resolve(part);
  }

  fail(err: unknown): void {
    this.end({ type: 'error', error: connectionError(err, this.signal) });
  }

  /** One packet of the answer's body. */
  data(res: IncomingMessage, text: string): void {
    if (this.settled) return;
    for (const event of this.parser!.push(text)) {
      // Text that arrives after a stop is not the reply's: the stop's error ends it instead.
      if (this.signal.aborted) return this.fail(this.signal.reason);
      const part = this.decoder.event(event.data);
      if (part === undefined) continue;
      if (typeof part === 'string') {
        if (this.waiting) {
          clearTimeout(this.waiting);
          this.waiting = undefined;
        }
        this.onText(part);
        continue;
      }
      this.end(part);
      lingerUntilEnd(res);
      return;
    }
  }

  /** The answer broke off: worded as fetch words it, for connectionError. */
  broken(cause: Error): void {
    this.fail(Object.assign(new TypeError('terminated'), { cause }));
  }
}

function sentNothing(reader: EventReader, ms: number): void {
  const error = new ChatModelError(`The model sent nothing within ${ms / 1000} s.`);
  reader.end({ type: 'error', error });
  reader.req.destroy(error);
}

function onRequestClose(this: Tagged<ClientRequest>): void {
  const reader = this[READER];
  reader.signal.removeEventListener('abort', reader.abort);
}

function onRequestError(this: Tagged<ClientRequest>, err: Error): void {
  // Worded as fetch words it, for connectionError: the socket's error is the cause.
  this[READER].fail(Object.assign(new TypeError('fetch failed'), { cause: err }));
}

function onResponse(this: Tagged<ClientRequest>, res: IncomingMessage): void {
  const reader = this[READER];
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    res.setEncoding('utf8');
    readError(res, status).then((err) => reader.fail(err));
    return;
  }
  reader.parser = new SseParser();
  reader.utf8 = new Utf8Text();
  (res as Tagged<IncomingMessage>)[READER] = reader;
  res.on('data', onResponseData);
  res.on('end', onResponseEnd);
  res.on('error', onResponseError);
  res.on('close', onResponseClose);
}

function onResponseData(this: Tagged<IncomingMessage>, packet: Buffer): void {
  const reader = this[READER];
  // Lingering after the reply's end (lingerUntilEnd): the rest is read only to be let go, not decoded.
  if (!reader.settled) reader.data(this, reader.utf8!.decode(packet));
}

function onResponseEnd(this: Tagged<IncomingMessage>): void {
  const reader = this[READER];
  const tail = reader.utf8!.end();
  if (tail) reader.data(this, tail);
  reader.end(reader.decoder.closed());
}

function onResponseError(this: Tagged<IncomingMessage>, err: Error): void {
  this[READER].broken(err);
}

function onResponseClose(this: Tagged<IncomingMessage>): void {
  if (!this.complete) this[READER].broken(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));
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
