import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { errorFromResponse } from './http-errors.js';

/**
 * Connections to model services are kept alive and reused: a reply's request then costs no TCP
 * (or TLS) handshake, and node:http streams the body with less work per piece than fetch's web
 * streams, which matters at thousands of chunks a second.
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }),
};

export type PostResult =
  | { ok: true; body: IncomingMessage }
  /** A non-2xx answer, read whole and wrapped as a fetch Response for the shared error mapping. */
  | { ok: false; response: Response };

/**
 * POSTs `body` to `url` and resolves once the answer's head arrives; the 2xx body is left to
 * stream (as UTF-8 text). Rejects like fetch does when the service cannot be reached: with an
 * error whose `cause` is the socket's error, or with the signal's reason once aborted. Aborting
 * also ends a body still being read.
 */
export function postForStream(
  url: URL, headers: Record<string, string>, body: string, signal: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const secure = url.protocol === 'https:';
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: agents[secure ? 'https:' : 'http:'],
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.on('error', (err) => reject(signal.aborted ? signal.reason : Object.assign(new TypeError('fetch failed'), { cause: err })));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      if (status >= 200 && status < 300) {
        resolve({ ok: true, body: res });
        return;
      }
      let text = '';
      res.on('data', (c: string) => (text += c));
      res.on('error', () => undefined);
      // 'close' also comes after a body cut short: the error is then made of what arrived.
      res.on('close', () => resolve({ ok: false, response: new Response(text, { status, headers: headersOf(res) }) }));
    });
    req.end(body);
  });
}

function headersOf(res: IncomingMessage): Headers {
  const out = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  return out;
}

/** How long an abandoned answer may take to end before its connection is closed instead of reused. */
const LINGER_MS = 1000;

/** Pieces waiting for a slow reader beyond this many pause the socket (backpressure). */
const HIGH_WATER = 32;

/**
 * POSTs a provider's streaming request and yields the answer's text, piece by piece; pieces that
 * arrived while the reader was busy come joined into one. Throws, at the first step, the
 * ChatModelError of an error status, or a fetch-like error when the service cannot be reached
 * (see postForStream); later, a TypeError whose cause is the socket's error when the connection
 * breaks. Leaving early keeps the connection for reuse when the answer ends soon after, and
 * closes it otherwise (an abort closes it at once).
 *
 * Connecting and reading are one generator, and providers read it directly, because every
 * generator a chunk passes through costs it a few promise turns.
 */
export async function* requestText(
  url: URL, headers: Record<string, string>, body: string, signal: AbortSignal,
): AsyncGenerator<string> {
  const answer = await postForStream(url, headers, body, signal);
  // Sent: this suspended generator need not keep the (prompt-sized) body for the reply's length.
  body = '';
  if (!answer.ok) throw await errorFromResponse(answer.response);
  const res = answer.body;
  const queue: string[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (c: string) => {
    queue.push(c);
    if (queue.length > HIGH_WATER) res.pause();
    wake?.();
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onError = (err: Error) => {
    failure ??= Object.assign(new TypeError('terminated'), { cause: err });
    wake?.();
  };
  const onClose = () => {
    if (!ended) onError(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));
  };
  res.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  try {
    for (;;) {
      if (queue.length) {
        const text = queue.length === 1 ? queue.pop()! : queue.splice(0).join('');
        if (res.isPaused()) res.resume();
        yield text;
      } else if (failure) {
        throw failure;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    }
  } finally {
    res.off('data', onData).off('end', onEnd).off('close', onClose);
    if (!ended) {
      // Left after the stream's last event ([DONE]): the answer's end is normally a moment
      // behind, and reading up to it puts the connection back in the pool.
      res.resume();
      if (!res.complete) {
        const timer = setTimeout(() => res.destroy(), LINGER_MS);
        res.once('end', () => clearTimeout(timer));
      }
    }
    // Late socket errors after we stopped listening must not crash the process.
    res.off('error', onError).on('error', () => undefined);
  }
}
