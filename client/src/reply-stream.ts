import { SseParser, type SseEvent } from '../../src/shared/sse-parser.js';
import { errorFrom, ParleyError } from './parley-error.js';
import type { Source, Usage } from './types.js';

export interface ReplyStreamOptions {
  fetch?: typeof fetch;
  /** Resume from this event id (a chunk's `id`), as after a reload. */
  lastEventId?: string;
  /** Reconnections in a row without a new event before giving up (default 5). */
  maxReconnects?: number;
  /** Wait before reconnecting, unless the stream sent its own `retry:` (default 1000 ms). */
  retryMs?: number;
  signal?: AbortSignal;
}

/** The failed reply's event: `failure`, and `error` as servers before issue 11 named it. */
const FAILURE_EVENTS = new Set(['failure', 'error']);

/**
 * A reply as it streams: `for await (const chunk of stream)` gives its text piece by piece.
 * A dropped connection is picked up again with `Last-Event-ID`, so nothing is lost or repeated.
 * Once the loop ends, `sources`, `usage` and `failure` (a failed reply's reason) are set.
 */
export class ReplyStream implements AsyncIterable<string> {
  /** The text received so far. */
  text = '';
  sources: Source[] = [];
  usage: Usage | null = null;
  /** Why the reply failed (its text up to then is in `text`); null when it did not. */
  failure: string | null = null;
  /** True once `[END]` was read (or the server answered that the stream is over). */
  finished = false;
  /** How many times the connection was opened again after dropping. */
  reconnects = 0;
  /** The id of the last event read: hand it to a new ReplyStream to continue elsewhere. */
  lastEventId: string | undefined;

  private readonly doFetch: typeof fetch;
  private retryMs: number;
  private readonly controller = new AbortController();
  private started = false;

  constructor(
    /** The stream URL (a capability: it needs no API key). */
    readonly url: string,
    private readonly options: ReplyStreamOptions = {},
    /** The ids of the user message and of the reply, when the stream came from a send. */
    readonly ids: { messageId?: string; replyId?: string } = {},
  ) {
    this.doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.retryMs = options.retryMs ?? 1000;
    this.lastEventId = options.lastEventId;
    options.signal?.addEventListener('abort', () => this.controller.abort(options.signal?.reason), { once: true });
  }

  get messageId(): string | undefined {
    return this.ids.messageId;
  }

  get replyId(): string | undefined {
    return this.ids.replyId;
  }

  /** Stops reading (the reply goes on being generated; `messages.stop` ends it). */
  close(): void {
    this.controller.abort();
  }

  /** Reads the whole reply and answers its text. */
  async collect(): Promise<string> {
    for await (const _ of this) {
      // the text accumulates in `this.text`
    }
    return this.text;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.started) throw new Error('A ReplyStream is read once; open another one to read the reply again.');
    this.started = true;
    let fruitless = 0;
    const max = this.options.maxReconnects ?? 5;
    while (!this.finished) {
      let progressed = false;
      let dropped: unknown;
      try {
        for await (const chunk of this.connect(() => (progressed = true))) yield chunk;
      } catch (error) {
        if (this.controller.signal.aborted) return;
        // A refusal (404, 410) is an answer, not a dropped connection: it is not retried.
        if (error instanceof ParleyError) throw error;
        dropped = error;
      }
      if (this.finished || this.controller.signal.aborted) return;
      fruitless = progressed ? 0 : fruitless + 1;
      if (fruitless > max) throw dropped ?? new Error(`The stream ${this.url} ended ${fruitless} times in a row without an event.`);
      this.reconnects++;
      await sleep(this.retryMs, this.controller.signal);
    }
  }

  /** One connection: yields the chunks it brings, returns when the body ends. */
  private async *connect(onEvent: () => void): AsyncGenerator<string> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    const res = await this.doFetch(this.url, { headers, signal: this.controller.signal });
    // 204: the stream is over (the last event id was `end`).
    if (res.status === 204) {
      this.finished = true;
      return;
    }
    if (!res.ok) throw await errorFrom(res, `GET ${this.url}`);
    if (!res.body) throw new Error('The stream answered without a body.');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.readRetry(value);
        for (const event of parser.push(value)) {
          onEvent();
          const chunk = this.handle(event);
          if (chunk) yield chunk;
          if (this.finished) return;
        }
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  /** The parser keeps `retry:` to itself; the stream's own reconnection delay is honoured. */
  private readRetry(text: string): void {
    const match = /(?:^|\n)retry: ?(\d+)\r?\n/.exec(text);
    if (match) this.retryMs = Number(match[1]);
  }

  /** Applies one event; answers the text of a chunk. */
  private handle(event: SseEvent): string | undefined {
    if (event.id !== undefined && event.id !== 'end') this.lastEventId = event.id;
    if (event.event === 'message') {
      if (event.data === '[START]') return undefined;
      if (event.data === '[END]' || event.id === 'end') {
        this.finished = true;
        return undefined;
      }
      const body = parse(event.data) as { chunk?: unknown; failed?: unknown } | undefined;
      const chunk = body?.chunk;
      if (typeof chunk !== 'string') return undefined;
      // A failed reply's reason, sent as a chunk for clients that only read chunks: not reply text.
      if (body?.failed === true) {
        this.failure ??= chunk;
        return undefined;
      }
      this.text += chunk;
      return chunk;
    }
    const body = parse(event.data) as { data?: Source[]; message?: string } | undefined;
    if (event.event === 'sources') this.sources = body?.data ?? [];
    else if (event.event === 'usage') this.usage = (body ?? null) as Usage | null;
    else if (FAILURE_EVENTS.has(event.event)) this.failure = body?.message ?? 'The reply failed.';
    return undefined;
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
