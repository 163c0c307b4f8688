import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { publicBase } from '../../src/transport/http/public-base.js';
import { useScriptedChat } from '../support/scripted-chat.js';
import { SseParser } from '../../src/shared/sse-parser.js';
import { assemble, startStream } from '../support/sse-reader.js';
import { request, type Tenant } from '../support/start-parley.js';

const parseSse = (text: string) => new SseParser().push(text);

// The stream URL is served ahead of fastify (stream-endpoint.ts): these are the API's conventions
// it must keep by itself.
describe('the stream endpoint', () => {
  let t: Tenant;
  let conversationId: string;

  useScriptedChat({
    env: { LLM_MODEL: 'm' },
    script: (u) => u.scripts.set('hello', { chunks: ['hel', 'lo'] }),
  }, (chat) => {
    ({ t, conversationId } = chat);
  });

  it('carries CORS headers and X-Request-Id: the client’s when it sends one, a new one otherwise', async () => {
    const url = await startStream(t, conversationId, 'hello');
    const mine = await request(url, 'GET', undefined, { 'x-request-id': 'trace-42' });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-request-id')).toBe('trace-42');
    expect(mine.headers.get('access-control-allow-origin')).toBe('*');
    expect(mine.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(assemble(parseSse(mine.text))).toBe('hello');

    const theirs = await request(url, 'GET');
    expect(theirs.headers.get('x-request-id')).toMatch(/^req-[0-9a-z]+$/);
    const other = await request(url, 'GET');
    expect(other.headers.get('x-request-id')).not.toBe(theirs.headers.get('x-request-id'));

    const missing = await request(`${new URL(url).origin}/stream/nope`, 'GET', undefined, { 'x-request-id': 'trace-43' });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ message: 'Stream not found.' });
    expect(missing.headers.get('x-request-id')).toBe('trace-43');
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers HEAD with the stream’s headers and no body, and 404 for a bad token', async () => {
    const url = await startStream(t, conversationId, 'hello');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await head.text()).toBe('');
    expect((await fetch(`${url}x`, { method: 'HEAD' })).status).toBe(404);
  });

  it('streams to a POST that carries a body, and reads 404 for a token that is not valid percent-encoding', async () => {
    const url = await startStream(t, conversationId, 'hello');
    const posted = await request(url, 'POST', { ignored: true });
    expect(posted.status).toBe(200);
    expect(assemble(parseSse(posted.text))).toBe('hello');
    const bad = await request(`${new URL(url).origin}/stream/%E0%A4%A`, 'GET');
    expect(bad.status).toBe(404);
    expect(bad.json).toEqual({ message: 'Stream not found.' });
  });

  it('closes the connection after the stream when the client asks for it (Connection: close), and to every HTTP/1.0 request, whose stream ends with the connection', async () => {
    // A client or proxy that opens a connection a request says so; the stream answered keep-alive
    // to it, and its socket stayed open on the server until the idle timeout (72 s by default).
    for (const [version, connection] of [['1.1', 'Connection: close\r\n'], ['1.0', ''], ['1.0', 'Connection: keep-alive\r\n']]) {
      const url = new URL(await startStream(t, conversationId, 'hello'));
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(Number(url.port), url.hostname, () => socket.write(
          `GET ${url.pathname} HTTP/${version}\r\nHost: ${url.host}\r\n${connection}\r\n`,
        ));
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`the server kept the connection open after: ${text.slice(0, 400)}`));
        }, 3000);
        socket.on('data', (d) => { text += d; }).on('error', reject).on('end', () => {
          clearTimeout(timer);
          resolve(text);
        });
      });
      const head = answer.slice(0, answer.indexOf('\r\n\r\n')).toLowerCase().split('\r\n');
      expect(head[0]).toBe('http/1.1 200 ok');
      expect(head).toContain('connection: close');
      expect(answer).toContain('data: [END]');
    }
  });

  it('leaves every other method and path to the API: OPTIONS preflight, 404 JSON elsewhere', async () => {
    const url = await startStream(t, conversationId, 'hello');
    const preflight = await fetch(url, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/last-event-id/);
    const put = await request(url, 'PUT');
    expect(put.status).toBe(404);
    expect(put.json.message).toMatch(/^The route PUT \/stream\/.* could not be found\.$/);
  });
});

describe('the public base of the URLs Parley hands out', () => {
  const req = (headers: Record<string, string>, encrypted = false) =>
    ({ headers, socket: { encrypted } }) as unknown as IncomingMessage;
  const config = (over: Partial<Config>) => ({ publicUrl: undefined, trustProxy: false, ...over }) as Config;

  it('is PUBLIC_URL when set, else the scheme and Host the client reached', () => {
    expect(publicBase(config({ publicUrl: 'https://chat.example.com' }), req({ host: 'x:1' }))).toBe('https://chat.example.com');
    expect(publicBase(config({}), req({ host: 'localhost:8080' }))).toBe('http://localhost:8080');
    expect(publicBase(config({}), req({ host: 'secure.test' }, true))).toBe('https://secure.test');
  });

  it('reads X-Forwarded-Proto and -Host (the nearest proxy’s value) only with TRUST_PROXY', () => {
    const forwarded = { host: 'internal:3000', 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'a.example, chat.example.com' };
    expect(publicBase(config({}), req(forwarded))).toBe('http://internal:3000');
    expect(publicBase(config({ trustProxy: true }), req(forwarded))).toBe('https://chat.example.com');
    expect(publicBase(config({ trustProxy: true }), req({ host: 'internal:3000' }))).toBe('http://internal:3000');
  });
});
