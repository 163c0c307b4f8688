import { Agent, request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { nowUs, scanMarks } from './script.js';

/** A keep-alive pool for one load generator: sockets are reused, never the bottleneck. */
export const keepAliveAgent = (maxSockets = Infinity) =>
  new Agent({ keepAlive: true, maxSockets, maxFreeSockets: 4096, scheduling: 'fifo' });

/** Any request idle this long fails, so that no loop waits forever. */
const IDLE_TIMEOUT_MS = 60_000;

export interface Call {
  method: string;
  path: string;
  body?: string;
  headers?: OutgoingHttpHeaders;
  agent?: Agent | false;
}

/** Sends one request on 127.0.0.1:`port` and resolves with the response head (body still unread). */
export function call(port: number, c: Call): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...c.headers };
    if (c.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = Buffer.byteLength(c.body);
    }
    const req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent: c.agent ?? false }, resolve);
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`${c.method} ${c.path}: idle for ${IDLE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(c.body);
  });
}

export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.on('end', () => resolve(body));
    res.on('error', reject);
  });
}

export async function postJson(port: number, path: string, body: unknown, headers: OutgoingHttpHeaders = {}, agent?: Agent) {
  const res = await call(port, { method: 'POST', path, body: JSON.stringify(body), headers, agent });
  return { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) };
}

export async function getJson(port: number, path: string, agent?: Agent) {
  const res = await call(port, { method: 'GET', path, agent });
  return { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) };
}

export interface StreamRead {
  /** Chunks (timestamp markers) received. */
  chunks: number;
  /** The stream ended with its terminator ([END] from Parley, [DONE] from an OpenAI upstream). */
  complete: boolean;
  /** µs when the first chunk arrived (NaN if none). */
  firstAt: number;
  bytes: number;
}

/**
 * Reads an event stream, calling `onChunk(sentUs, receivedUs)` for each chunk marker as it arrives.
 * Decoding is latin1 and scanning is a regex over whole events: the client must stay cheap.
 */
export function readStream(res: IncomingMessage, onChunk?: (sentUs: number, receivedUs: number) => void): Promise<StreamRead> {
  return new Promise((resolve, reject) => {
    const out: StreamRead = { chunks: 0, complete: false, firstAt: NaN, bytes: 0 };
    let carry = '';
    res.on('data', (buf: Buffer) => {
      const at = nowUs();
      out.bytes += buf.length;
      const text = carry + buf.toString('latin1');
      const cut = text.lastIndexOf('\n\n');
      if (cut === -1) {
        carry = text;
        return;
      }
      const whole = text.slice(0, cut + 2);
      carry = text.slice(cut + 2);
      const before = out.chunks;
      scanMarks(whole, (us) => {
        out.chunks++;
        onChunk?.(us, at);
      });
      if (before === 0 && out.chunks > 0) out.firstAt = at;
      if (whole.includes('data: [END]') || whole.includes('data: [DONE]')) out.complete = true;
    });
    res.on('end', () => resolve(out));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('stream aborted')));
  });
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once; stops starting new ones after `deadline`. */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>, deadline = Infinity): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
