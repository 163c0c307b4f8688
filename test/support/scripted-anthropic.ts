import type { IncomingMessage, ServerResponse } from 'node:http';
import { breakAfterFlush, pickScript, readBody, ScriptedServer } from './scripted-server.js';

export interface AnthropicScript {
  status?: number;
  headers?: Record<string, string>;
  /** For error statuses: Anthropic's error type (rate_limit_error, overloaded_error, ...) and message. */
  errorType?: string;
  message?: string;
  chunks?: string[];
  firstDelayMs?: number;
  intervalMs?: number;
  /** Destroy the connection after this many chunks. */
  failAfter?: number;
  /** Never answer after this many chunks. */
  hangAfter?: number;
  /** Send an `event: error` after the chunks instead of finishing. */
  streamError?: { type: string; message: string };
  stopReason?: string;
  inputTokens?: number;
  outputTokens?: number;
}

export interface AnthropicRequest {
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    max_tokens: number;
    system?: string;
    messages: { role: string; content: string }[];
    stream: boolean;
    temperature?: number;
  };
  closed: Promise<void>;
}

/** A scripted server speaking the Anthropic Messages API's streaming wire format over real HTTP. */
export class ScriptedAnthropic extends ScriptedServer {
  readonly requests: AnthropicRequest[] = [];
  scripts = new Map<string, AnthropicScript | AnthropicScript[]>();
  fallback: AnthropicScript = { chunks: ['Hello', ' from', ' Claude'], inputTokens: 12, outputTokens: 3 };

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.url !== '/v1/messages' || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }));
      return;
    }
    const body = JSON.parse(raw) as AnthropicRequest['body'];
    const closed = new Promise<void>((r) => res.on('close', () => r()));
    this.requests.push({ headers: req.headers, body, closed });
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const script = pickScript(this.scripts.get(last)) ?? this.fallback;

    if (script.status && script.status !== 200) {
      res.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
      res.end(JSON.stringify({ type: 'error', error: { type: script.errorType ?? 'api_error', message: script.message ?? `scripted ${script.status}` } }));
      return;
    }
    const send = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const sleep = (ms?: number) => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
    res.writeHead(200, { 'content-type': 'text/event-stream', ...script.headers });
    send('message_start', { message: {
      id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null,
      usage: { input_tokens: script.inputTokens ?? 10, output_tokens: 1 },
    } });
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('ping', {});
    await sleep(script.firstDelayMs);
    const chunks = script.chunks ?? [];
    for (let i = 0; i < chunks.length; i++) {
      if (res.destroyed) return;
      if (script.hangAfter === i) return;
      if (script.failAfter === i) {
        breakAfterFlush(res);
        return;
      }
      if (i > 0) await sleep(script.intervalMs);
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: chunks[i] } });
    }
    if (script.hangAfter !== undefined && script.hangAfter >= chunks.length) return;
    if (script.failAfter !== undefined && script.failAfter >= chunks.length) {
      breakAfterFlush(res);
      return;
    }
    if (script.streamError) {
      send('error', { error: script.streamError });
      res.end();
      return;
    }
    send('content_block_stop', { index: 0 });
    send('message_delta', { delta: { stop_reason: script.stopReason ?? 'end_turn', stop_sequence: null },
      usage: { output_tokens: script.outputTokens ?? chunks.length } });
    send('message_stop', {});
    res.end();
  }
}
