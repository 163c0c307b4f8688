import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal } from './listen-local.js';
import { chunkText, parseScript, type UpstreamScript } from './script.js';

const DEFAULT: UpstreamScript = { chunks: 4, size: 16, intervalMs: 0, firstMs: 0 };
/** At full speed, frames go out in writes of this many, so the upstream is never the bottleneck. */
const BATCH = 64;

const frame = (content: string) =>
  `data: {"id":"b","object":"chat.completion.chunk","created":0,"model":"bench","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const TAIL = 'data: {"id":"b","object":"chat.completion.chunk","created":0,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
  + 'data: {"id":"b","object":"chat.completion.chunk","created":0,"model":"bench","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}\n\n'
  + 'data: [DONE]\n\n';
const HEAD = 'data: {"id":"b","object":"chat.completion.chunk","created":0,"model":"bench","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n';

function lastUserText(raw: string): string {
  const body = JSON.parse(raw) as { messages?: { role: string; content: string }[] };
  const msgs = body.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].role === 'user') return msgs[i].content;
  return '';
}

/** A `firstMs` this large means: wait for POST /release (the held-streams scenario). */
export const HOLD = 999_999;
const held: (() => void)[] = [];

function stream(res: ServerResponse, s: UpstreamScript): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(HEAD);
  let sent = 0;
  const finish = () => res.end(TAIL);
  const fast = () => {
    while (sent < s.chunks && !res.destroyed) {
      let out = '';
      for (let i = 0; i < BATCH && sent < s.chunks; i++, sent++) out += frame(chunkText(s.size));
      if (!res.write(out)) {
        res.once('drain', fast);
        return;
      }
    }
    if (!res.destroyed) finish();
  };
  const paced = () => {
    if (res.destroyed) return;
    res.write(frame(chunkText(s.size)));
    if (++sent < s.chunks) setTimeout(paced, s.intervalMs);
    else finish();
  };
  const first = s.intervalMs > 0 ? paced : fast;
  if (s.chunks === 0) finish();
  else if (s.firstMs >= HOLD) held.push(first);
  else if (s.firstMs > 0) setTimeout(first, s.firstMs);
  else first();
}

/** A lean OpenAI-compatible chat-completions server that plays the script in the user's message. */
export async function startUpstream(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/release') {
        const all = held.splice(0);
        for (const go of all) go();
        res.writeHead(200).end(String(all.length));
        return;
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      let script: UpstreamScript;
      try {
        script = parseScript(lastUserText(raw)) ?? DEFAULT;
      } catch {
        res.writeHead(400).end();
        return;
      }
      stream(res, script);
    });
  });
  server.maxConnections = Infinity;
  return listenLocal(server, port);
}
