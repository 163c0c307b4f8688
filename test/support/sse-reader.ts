import { SseParser, type SseEvent } from '../../src/shared/sse-parser.js';
import type { RunningParley, Tenant } from './start-parley.js';

export interface SseRead {
  status: number;
  headers: Headers;
  /** Every byte received (up to the drop point when `dropAfterBytes` cut the read short). */
  raw: string;
  /** Events dispatched from `raw` (an event cut off by a drop is not dispatched, as in a browser). */
  events: SseEvent[];
  /** True when the read ended because the server closed the stream. */
  ended: boolean;
}

export interface ReadOptions {
  lastEventId?: string;
  /** Stop reading (and close the connection) once this many bytes arrived; only these bytes count. */
  dropAfterBytes?: number;
  /** Stop reading (and close the connection) once this holds for the events so far. */
  until?: (events: SseEvent[]) => boolean;
  timeoutMs?: number;
  /** Called once the response's head has arrived (the server holds the stream open). */
  onOpen?: () => void;
}

/**
 * Reads an event stream with a plain fetch, the way a low-level client would, optionally leaving
 * at a chosen point. Fails when the stream neither ends nor meets `until` within the timeout.
 */
export async function readSse(url: string, options: ReadOptions = {}): Promise<SseRead> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no end of stream within ${options.timeoutMs ?? 15_000} ms`)),
    options.timeoutMs ?? 15_000);
  const headers: Record<string, string> = {};
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  try {
    const res = await fetch(url, { headers, signal: controller.signal });
    options.onOpen?.();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const read: SseRead = { status: res.status, headers: res.headers, raw: '', events: [], ended: false };
    if (!res.body) return { ...read, ended: true };
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        read.ended = true;
        read.events.push(...parser.push(decoder.decode()));
        return read;
      }
      let bytes = value;
      const limit = options.dropAfterBytes;
      const received = Buffer.byteLength(read.raw);
      const cut = limit !== undefined && received + bytes.length >= limit;
      if (cut) bytes = bytes.subarray(0, limit - received);
      const text = decoder.decode(bytes, { stream: true });
      read.raw += text;
      read.events.push(...parser.push(text));
      if (cut || options.until?.(read.events)) {
        await reader.cancel();
        return read;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The reply's text as streamed: every unnamed chunk, but not a failed reply's reason (`failed: true`). */
export function assemble(events: SseEvent[]): string {
  return chunksOf(events).filter((c) => c.failed !== true).map((c) => c.chunk).join('');
}

/** What the seed's client shows: every unnamed event that is not [START] or [END], a failure's reason included. */
export function seedView(events: SseEvent[]): string {
  return chunksOf(events).map((c) => c.chunk).join('');
}

function chunksOf(events: SseEvent[]): { chunk: string; failed?: boolean }[] {
  return events
    .filter((e) => e.event === 'message' && e.data !== '[START]' && e.data !== '[END]')
    .map((e) => JSON.parse(e.data) as { chunk: string; failed?: boolean });
}

/** The id a browser would send back on reconnection: that of the last event that carried one. */
export function lastEventId(events: SseEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].id !== undefined) return events[i].id;
  return undefined;
}

export async function newConversation(t: Tenant): Promise<string> {
  const c = await t.api('POST', '/conversations', { name: 'streaming', bot_id: t.botId });
  if (!c.json?.data?.id) throw new Error(`could not create a conversation: ${c.status} ${c.text}`);
  return c.json.data.id as string;
}

/** POST /messages/stream with redirect false; returns the stream URL and the ids of the message and its reply. */
export async function sendForStream(t: Tenant, conversationId: string, content: string) {
  const r = await t.api('POST', '/messages/stream', { content, conversation_id: conversationId, redirect: false });
  if (r.status !== 200) throw new Error(`could not start a stream: ${r.status} ${r.text}`);
  return r.json.data as { stream_url: string; message_id: string; reply_id: string };
}

/** POST /messages/stream with redirect false; returns the stream URL. */
export async function startStream(t: Tenant, conversationId: string, content: string): Promise<string> {
  return (await sendForStream(t, conversationId, content)).stream_url;
}

export interface ListedMessage {
  id: string; content: string; machine: boolean; failed_responding: boolean; usage?: unknown;
}

/** All the conversation's messages, oldest first (Parley's `order=oldest`), every page. */
export async function listMessages(t: Tenant, conversationId: string): Promise<ListedMessage[]> {
  const all: ListedMessage[] = [];
  for (let page = 1; ; page++) {
    const r = await t.api('GET', `/messages?conversation_id=${conversationId}&includes=usage&per_page=100&order=oldest&page=${page}`);
    if (r.status !== 200) throw new Error(`could not list messages: ${r.status} ${r.text}`);
    all.push(...(r.json.data as ListedMessage[]));
    if (!r.json.meta.pagination.next_page) return all;
  }
}

/** The conversation's last message, once it is no longer being generated. */
export async function settledReply(parley: RunningParley, t: Tenant, conversationId: string) {
  for (let i = 0; i < 300 && parley.app.generations.activeCount > 0; i++) await new Promise((r) => setTimeout(r, 50));
  const all = await listMessages(t, conversationId);
  return all[all.length - 1];
}
