import { Agent, createServer, request } from 'node:http';
import { listenLocal } from './listen-local.js';

/**
 * The Node floor: the least a node:http process can do between a client and the upstream.
 * - POST /v1/chat/completions: relayed to the upstream, bytes passed on as they arrive;
 * - GET /static/<bytes>: that many bytes of SSE from memory (the floor for replay);
 * - POST /send: reads the body, answers a small JSON object (the floor for sends per second).
 */
export async function startRelay(upstreamPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
  const statics = new Map<number, Buffer>();
  const server = createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/static/')) {
      const size = Number(req.url.slice(8));
      let body = statics.get(size);
      if (!body) statics.set(size, (body = Buffer.alloc(size, 'data: {"chunk":"xxxxxxxxxxxxxxxxxxxxxxxx"}\n\n')));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': body.length }).end(body);
      return;
    }
    if (req.method === 'POST' && req.url === '/send') {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"stream_url":"http://127.0.0.1/stream/x"}}'));
      return;
    }
    const up = request({
      host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, agent,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json', accept: 'text/event-stream' },
    }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, { 'content-type': upRes.headers['content-type'] ?? 'text/event-stream' });
      upRes.on('data', (c: Buffer) => res.write(c));
      upRes.on('end', () => {
        done = true;
        res.end();
      });
    });
    let done = false;
    up.on('error', () => res.destroy());
    res.on('close', () => done || up.destroy());
    req.pipe(up);
  });
  return listenLocal(server, 0, () => agent.destroy());
}
