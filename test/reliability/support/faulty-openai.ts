import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, ScriptedServer } from '../../support/scripted-server.js';

/** Every way the fault suite makes an OpenAI-compatible upstream misbehave. */
export const FAULTS = [
  'none', 'reset', 'reset-before-head', 'stall-before-head', 'stall-first', 'stall-mid', 'half-line', 'half-line-reset',
  'invalid-json', 'no-final', 'no-done', 'status-429', 'status-500', 'status-503', 'status-400', 'json-not-stream',
  'html', 'very-long', 'invalid-utf8', 'after-done', 'empty-lines', 'crlf',
  'type-choices-string', 'type-choices-null', 'type-choice-string', 'type-delta-string', 'type-content-number',
  'type-content-object', 'type-content-null', 'type-finish-number', 'type-usage-string', 'type-usage-prompt-object',
  'type-usage-completion-true', 'type-usage-negative', 'type-id-object', 'type-event-array', 'type-event-number',
] as const;
export type Fault = (typeof FAULTS)[number];

/** A small seeded generator, so a failing run can be replayed with its seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'fox', 'golf', 'hotel', 'india', 'juliet'];

/**
 * An upstream speaking OpenAI's chat-completions stream over real HTTP that, for each request,
 * plays the fault `next()` picks at a random point of its reply. Records what it injected.
 */
export class FaultyOpenAi extends ScriptedServer {
  injected = new Map<Fault, number>();
  /** The fault played for each question (the last user message), to name a failure's cause. */
  readonly faultOf = new Map<string, Fault>();
  next: () => { fault: Fault; at: number; length: number } = () => ({ fault: 'none', at: 0, length: 3 });

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const { fault, at, length } = this.next();
    this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
    try {
      const messages = (JSON.parse(raw) as { messages: { role: string; content: string }[] }).messages;
      const question = messages.filter((m) => m.role === 'user').at(-1)?.content;
      if (question !== undefined) this.faultOf.set(question, fault);
    } catch { /* not the request a client sends; the fault is played all the same */ }
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const frame = (choice: unknown, extra: object = {}) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-f', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [choice], ...extra })}\n\n`;
    const delta = (content: unknown) => frame({ index: 0, delta: { content }, finish_reason: null });
    const statuses: Partial<Record<Fault, number>> = { 'status-429': 429, 'status-500': 500, 'status-503': 503, 'status-400': 400 };

    if (fault === 'reset-before-head') return void req.socket.destroy();
    if (fault === 'stall-before-head') return; // the client's timeouts must end it
    if (statuses[fault]) {
      res.writeHead(statuses[fault]!, { 'content-type': 'application/json', 'retry-after': '0' });
      return void res.end(JSON.stringify({ error: { message: `scripted ${fault}` } }));
    }
    if (fault === 'json-not-stream') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ choices: [{ message: { content: 'whole' } }] }));
    }
    if (fault === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>Bad gateway</body></html>');
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const n = fault === 'very-long' ? 3_000 : length;
    const point = Math.min(at, n);
    const nl = fault === 'crlf' ? '\r\n' : '\n';
    for (let i = 0; i < n; i++) {
      if (res.destroyed) return;
      if (i === point) {
        switch (fault) {
          case 'reset': return void res.write('', () => res.destroy());
          case 'stall-first': case 'stall-mid': if (fault === 'stall-mid' || i === 0) return;
            break;
          case 'half-line': return void res.end('data: {"id":"chatcmpl-f","choi');
          case 'half-line-reset': return void res.write('data: {"id":"chatcmpl-f","choices":[{"delta":{"content":"ha', () => res.destroy());
          case 'invalid-json': res.write('data: {not json at all}\n\n'); break;
          case 'invalid-utf8': res.write(Buffer.concat([Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"'), Buffer.from([0xff, 0xc0, 0xed, 0xa0, 0x80]), Buffer.from('"}}]}\n\n')])); break;
          case 'empty-lines': res.write('\n\n\n: comment\n\n'); break;
          case 'type-choices-string': res.write(`data: ${JSON.stringify({ choices: 'x' })}\n\n`); break;
          case 'type-choices-null': res.write(`data: ${JSON.stringify({ choices: null })}\n\n`); break;
          case 'type-choice-string': res.write(`data: ${JSON.stringify({ choices: ['x'] })}\n\n`); break;
          case 'type-delta-string': res.write(frame({ index: 0, delta: 'x' })); break;
          case 'type-content-number': res.write(delta(5)); break;
          case 'type-content-object': res.write(delta({ text: 'x' })); break;
          case 'type-content-null': res.write(delta(null)); break;
          case 'type-id-object': res.write(`data: ${JSON.stringify({ id: {}, choices: [{ index: 0, delta: { content: 'x' } }] })}\n\n`); break;
          case 'type-event-array': res.write('data: [1,2,3]\n\n'); break;
          case 'type-event-number': res.write('data: 42\n\n'); break;
          default: break;
        }
      }
      if (i > 0 && i % 50 === 0) await sleep(1);
      const word = `${WORDS[i % WORDS.length]}${i % 7 === 0 ? '.' : ''} `;
      res.write(fault === 'crlf' ? delta(word).replaceAll('\n', nl) : delta(word));
    }
    if (fault === 'stall-mid' || fault === 'stall-first') return; // a point past the end: hang before the final event
    if (fault === 'no-final') return void res.end();
    res.write(frame({ index: 0, delta: {}, finish_reason: fault === 'type-finish-number' ? 7 : 'stop' }));
    const usage: Record<Fault, unknown> = {
      'type-usage-string': 'lots', 'type-usage-prompt-object': { prompt_tokens: {}, completion_tokens: 3 },
      'type-usage-completion-true': { prompt_tokens: 3, completion_tokens: true }, 'type-usage-negative': { prompt_tokens: -5, completion_tokens: 1e308 },
    } as Record<Fault, unknown>;
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-f', choices: [], usage: usage[fault] ?? { prompt_tokens: 3, completion_tokens: n, total_tokens: 3 + n } })}\n\n`);
    if (fault === 'no-done') return void res.end();
    res.write('data: [DONE]\n\n');
    if (fault === 'after-done') res.write(delta('after the end'));
    res.end();
  }
}
