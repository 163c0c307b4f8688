import type { IncomingMessage, ServerResponse } from 'node:http';
import { breakAfterFlush, pickScript, readBody, ScriptedServer } from './scripted-server.js';

/** What the scripted upstream does with one chat-completions request. */
export interface Script {
  /** Answer with this status and body instead of a stream. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Text pieces, one SSE chunk each. */
  chunks?: string[];
  /** Wait before the first chunk and between chunks (ms). */
  firstDelayMs?: number;
  intervalMs?: number;
  /** Destroy the connection after this many chunks (a broken stream). */
  failAfter?: number;
  /** Never answer after this many chunks (0: never send anything). */
  hangAfter?: number;
  /** Send this raw line as an event instead of JSON after the chunks. */
  garbage?: string;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Leave out `data: [DONE]`. */
  noDone?: boolean;
}

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    messages: { role: string; content: string }[];
    stream: boolean;
    temperature?: number;
    max_tokens?: number;
  };
  /** Resolves when the client closed the connection (for abort tests). */
  closed: Promise<void>;
}

/**
 * An OpenAI-compatible chat-completions server speaking the real wire protocol over real HTTP,
 * scripted per request. By default it answers with the script for the last user message
 * (`scripts[content]`), else `fallback`.
 */
export class ScriptedOpenAi extends ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  /** A list is played one script per request, the last one repeating (e.g. a 429, then success). */
  scripts = new Map<string, Script | Script[]>();
  fallback: Script = { chunks: ['Hello', ', ', 'world', '!'], usage: { prompt_tokens: 9, completion_tokens: 4 } };

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest['body'];
    const closed = new Promise<void>((r) => res.on('close', () => r()));
    this.requests.push({ headers: req.headers, body, closed });
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const script = pickScript(this.scripts.get(last)) ?? this.fallback;

    if (script.status && script.status !== 200) {
      res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
      res.end(script.body ?? JSON.stringify({ error: { message: `scripted ${script.status}` } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
    const sleep = (ms?: number) => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
    const chunks = script.chunks ?? [];
    const frame = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

    res.write(frame({ role: 'assistant', content: '' }));
    await sleep(script.firstDelayMs);
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed) return;
      if (script.hangAfter === i) return; // keep the connection open, say nothing
      if (script.failAfter === i) {
        breakAfterFlush(res);
        return;
      }
      if (i > 0) await sleep(script.intervalMs);
      res.write(frame({ content: chunks[i] }));
    }
    if (script.hangAfter !== undefined && script.hangAfter >= chunks.length) return;
    if (script.failAfter !== undefined && script.failAfter >= chunks.length) {
      breakAfterFlush(res);
      return;
    }
    if (script.garbage !== undefined) {
      res.end(`data: ${script.garbage}\n\n`);
      return;
    }
    res.write(frame({}, script.finishReason ?? 'stop'));
    if (script.usage) {
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: {
        ...script.usage, total_tokens: script.usage.prompt_tokens + script.usage.completion_tokens } })}\n\n`);
    }
    res.end(script.noDone ? '' : 'data: [DONE]\n\n');
  }
}
