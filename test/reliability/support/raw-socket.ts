import { connect } from 'node:net';
import type { RawResponse } from './raw-http.js';

/** One header line as sent: a name may come twice (two Host lines), and values may hold any byte. */
export type HeaderLine = [name: string, value: string];

/**
 * One request written byte for byte on a socket, as `rawRequest` cannot: Host lines given as they
 * are (none, two, obs-text), or none at all, which only HTTP/1.0 allows (`http10`). Values are sent
 * as latin1, one byte per character. The answer ends where its framing says (Content-Length, the
 * last chunk), not when the socket closes: a server may keep it open whatever the client asked.
 * Rejects when no answer has ended within `timeoutMs` (a hang).
 */
export function socketRequest(
  base: string, method: string, path: string, lines: HeaderLine[], body?: Buffer, options: { http10?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const started = performance.now();
  const head = `${method} ${path} HTTP/1.${options.http10 ? 0 : 1}\r\n`
    + lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')
    + (options.http10 ? '' : 'connection: close\r\n') + '\r\n';
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    // Written, not ended: a half-closed socket is, to node:http, a client that went away mid-answer.
    const socket = connect(Number(url.port), url.hostname, () => socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)])));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${options.timeoutMs ?? 10_000} ms: ${method} ${path.slice(0, 120)}`));
    }, options.timeoutMs ?? 10_000);
    let done = false;
    const finish = (closed: boolean) => {
      const whole = Buffer.concat(parts);
      const answer = parseAnswer(whole, method === 'HEAD', closed);
      if (!answer && !closed) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (answer) resolve({ ...answer, ms: performance.now() - started });
      else reject(new Error(`the connection closed before a whole answer: ${JSON.stringify(whole.subarray(0, 200).toString('latin1'))}`));
    };
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      finish(false);
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      if (!done) reject(e);
    });
    socket.on('close', () => {
      if (!done) finish(true);
    });
  });
}

/**
 * Status, headers (names lower-cased, repeats as arrays) and body (de-chunked) of the answer in
 * `bytes`, or undefined while it is not whole (without Content-Length or chunks, it ends at close).
 */
function parseAnswer(bytes: Buffer, head: boolean, closed = false): Omit<RawResponse, 'ms'> | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine.slice(0, 200))}`);
  const headers: Record<string, string | string[]> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = headers[name];
    headers[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  const rest = bytes.subarray(end + 4);
  const code = Number(status[1]);
  const length = headers['content-length'];
  let body: Buffer | undefined;
  if (head || code === 204 || code === 304) body = Buffer.alloc(0);
  else if (headers['transfer-encoding'] === 'chunked') body = dechunk(rest);
  else if (typeof length === 'string') body = rest.length >= Number(length) ? rest.subarray(0, Number(length)) : undefined;
  else body = closed ? rest : undefined;
  return body && { status: code, headers, body: body.toString('utf8') };
}

/** The chunks' bytes once the last chunk has come, else undefined. */
function dechunk(bytes: Buffer): Buffer | undefined {
  const chunks: Buffer[] = [];
  for (let at = 0; ;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('a chunked body that does not parse');
    if (size === 0) return Buffer.concat(chunks);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
