import { mkdtempSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { listenLocal } from './listen-local.js';

/**
 * What bounds Parley's per-send and per-chunk ratios: the same work as a send and as a chunk,
 * written as bare node:http and better-sqlite3 code with no framework, no validation, no auth,
 * no bus and no error handling — a lower bound for any server that does that work, not a server.
 * - POST /send-db: parse the JSON body, insert the user's message and the reply's row in one
 *   transaction (SQLite in WAL mode, synchronous NORMAL, as Parley's store), answer a small JSON.
 * - POST /fastify/send-db: the same as a fastify route (fastify's own body parser and serializer,
 *   no schema, no hooks), for what the framework alone adds.
 * - POST /send-full: the same, then what a reply costs: a POST to the upstream with the message,
 *   its server-sent events read and each event's JSON parsed, and the reply's row updated at the end.
 * - POST /v1/chat/completions: a relay that, unlike the bare one, reads the upstream's events and
 *   writes each piece of text as a chunk event of its own (`id: N`, `data: {"chunk":...}`), the
 *   least a server that re-frames an OpenAI stream does per chunk.
 */
export async function startBoundServer(upstreamPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'parley-bound-')), 'bound.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL, content TEXT NOT NULL,
    machine INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE INDEX messages_conversation ON messages(conversation_id, id);`);
  const insert = db.prepare('INSERT INTO messages (conversation_id, content, machine, status, created_at) VALUES (?, ?, ?, ?, ?)');
  const finish = db.prepare(`UPDATE messages SET content = ?, status = 'done' WHERE id = ?`);
  const sendTx = db.transaction((conversation: number, content: string) => {
    const now = Date.now();
    insert.run(conversation, content, 0, 'done', now);
    return Number(insert.run(conversation, '', 1, 'in_progress', now).lastInsertRowid);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  /** Streams the upstream's reply to `content`, calling `onText` for each piece and `onEnd` at [DONE]. */
  const completion = (content: string, onText: (text: string) => void, onEnd: () => void) => {
    const up = request({ host: '127.0.0.1', port: upstreamPort, method: 'POST', path: '/v1/chat/completions', agent,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' } }, (upRes: IncomingMessage) => {
      upRes.setEncoding('utf8');
      let buffer = '';
      upRes.on('data', (text: string) => {
        buffer += text;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const data = buffer.slice(6, cut); // "data: "
          buffer = buffer.slice(cut + 2);
          if (data === '[DONE]') continue;
          const piece = (JSON.parse(data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content;
          if (piece) onText(piece);
        }
      });
      upRes.on('end', onEnd);
    });
    up.end(JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content }] }));
  };

  const readJson = (req: IncomingMessage, then: (body: { content: string; conversation_id: string }) => void) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => then(JSON.parse(raw)));
  };
  const answer = (res: ServerResponse, id: number) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { stream_url: `http://127.0.0.1/stream/${id}` } }));

  let viaFastify: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const app = Fastify({
    serverFactory: (handler) => {
      viaFastify = handler;
      return createServer();
    },
  });
  app.post('/fastify/send-db', async (request) => {
    const body = request.body as { content: string; conversation_id: string };
    return { data: { stream_url: `http://127.0.0.1/stream/${sendTx(body.conversation_id.length, body.content)}` } };
  });
  await app.ready();

  const server = createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.url?.startsWith('/fastify/')) return viaFastify(req, res);
    if (req.method === 'POST' && (req.url === '/send-db' || req.url === '/send-full')) {
      const full = req.url === '/send-full';
      readJson(req, (body) => {
        const replyId = sendTx(body.conversation_id.length, body.content);
        answer(res, replyId);
        if (!full) return;
        let reply = '';
        completion(body.content, (t) => (reply += t), () => finish.run(reply, replyId));
      });
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      readJson(req, (body) => {
        const content = (body as unknown as { messages: { content: string }[] }).messages[0].content;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let length = 0;
        let out = '';
        let scheduled = false;
        let ended = false;
        // As Parley: pieces parsed in one turn go out in one write.
        const flush = () => {
          scheduled = false;
          if (ended) return;
          res.write(out);
          out = '';
        };
        completion(content, (t) => {
          length += t.length;
          out += `id: ${length}\ndata: {"chunk":${JSON.stringify(t)}}\n\n`;
          if (!scheduled) {
            scheduled = true;
            process.nextTick(flush);
          }
        }, () => {
          ended = true;
          res.end(`${out}id: end\ndata: [END]\n\n`);
        });
      });
      return;
    }
    res.writeHead(404).end();
  });
  return listenLocal(server, 0, () => {
    agent.destroy();
    db.close();
  });
}
