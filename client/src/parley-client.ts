import { errorFrom } from './parley-error.js';
import { ReplyStream, type ReplyStreamOptions } from './reply-stream.js';
import type {
  Bot, Conversation, ConversationInput, Document, DocumentQuery, Folder, Message, MessageIncludes, Page,
  PageQuery, SendInput, SignedUpload, StreamTicket,
} from './types.js';

export interface ParleyClientOptions {
  /** The server, e.g. `http://127.0.0.1:8080` (the API is under `/api/v1`). */
  baseUrl: string;
  apiKey: string;
  /** Another fetch (a test's, a proxy's); the global one by default. */
  fetch?: typeof fetch;
}

/** What a file upload may send: a string, bytes, a Blob or File, a stream. */
export type UploadBody = NonNullable<RequestInit['body']>;

type Query = Record<string, string | number | boolean | string[] | undefined>;

/**
 * A typed client for Parley's API: one method per endpoint, grouped by resource. Refusals reject
 * with a `ParleyError` (status and Cody error body); `messages.stream` gives a resumable stream.
 */
export class ParleyClient {
  readonly bots;
  readonly conversations;
  readonly messages;
  readonly folders;
  readonly documents;
  readonly uploads;

  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ParleyClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const call = this.call.bind(this);

    this.bots = {
      list: (q: PageQuery = {}) => call<Page<Bot>>('GET', '/bots', { query: q as Query }),
    };

    this.conversations = {
      list: (q: PageQuery & { bot_id?: string; includes?: 'document_ids'[] } = {}) =>
        call<Page<Conversation>>('GET', '/conversations', { query: q as Query }),
      create: (input: ConversationInput) => one<Conversation>(call('POST', '/conversations', { body: input })),
      get: (id: string, q: { includes?: 'document_ids'[] } = {}) =>
        one<Conversation>(call('GET', `/conversations/${seg(id)}`, { query: q })),
      update: (id: string, input: ConversationInput) =>
        one<Conversation>(call('POST', `/conversations/${seg(id)}`, { body: input })),
      delete: (id: string) => call<void>('DELETE', `/conversations/${seg(id)}`),
    };

    this.messages = {
      list: (q: PageQuery & { conversation_id?: string; includes?: MessageIncludes[] } = {}) =>
        call<Page<Message>>('GET', '/messages', { query: q as Query }),
      get: (id: string, q: { includes?: MessageIncludes[] } = {}) =>
        one<Message>(call('GET', `/messages/${seg(id)}`, { query: q })),
      /** Blocking: the reply once it is complete (a failed reply rejects with a 500 ParleyError). */
      send: (input: SendInput) => one<Message>(call('POST', '/messages', { body: input })),
      /** Starts the reply and answers its stream URL and ids, without reading it. */
      startStream: (input: SendInput) =>
        one<StreamTicket>(call('POST', '/messages/stream', { body: { ...input, redirect: false } })),
      /** Sends and answers the reply's stream: `for await (const chunk of await client.messages.stream(...))`. */
      stream: async (input: SendInput, options: Omit<ReplyStreamOptions, 'fetch'> = {}) => {
        const ticket = await this.messages.startStream(input);
        return new ReplyStream(ticket.stream_url, { fetch: this.doFetch, ...options },
          { messageId: ticket.message_id, replyId: ticket.reply_id });
      },
      /** Opens a stream URL again (after a reload, say); `lastEventId` continues after that chunk. */
      openStream: (streamUrl: string, options: Omit<ReplyStreamOptions, 'fetch'> = {}) =>
        new ReplyStream(streamUrl, { fetch: this.doFetch, ...options }),
      /** Parley's own: stops a reply being generated (its id or its user message's); answers the reply. */
      stop: (id: string) => one<Message>(call('POST', `/messages/${seg(id)}/stop`)),
    };

    this.folders = {
      list: (q: PageQuery = {}) => call<Page<Folder>>('GET', '/folders', { query: q as Query }),
      create: (input: { name: string }) => one<Folder>(call('POST', '/folders', { body: input })),
      get: (id: string) => one<Folder>(call('GET', `/folders/${seg(id)}`)),
      update: (id: string, input: { name: string }) => one<Folder>(call('POST', `/folders/${seg(id)}`, { body: input })),
    };

    this.documents = {
      list: (q: DocumentQuery = {}) => call<Page<Document>>('GET', '/documents', { query: q as Query }),
      /** Pasted text or HTML, imported in the background (`status` is `syncing` until it is done). */
      create: (input: { name: string; folder_id: string; content: string }) =>
        one<Document>(call('POST', '/documents', { body: input })),
      createFromWebpage: (input: { folder_id: string; url: string }) =>
        one<Document>(call('POST', '/documents/webpage', { body: input })),
      /** An uploaded file (its `key` from `uploads.signedUrl`). */
      createFromFile: (input: { folder_id: string; key: string }) =>
        one<Document>(call('POST', '/documents/file', { body: input })),
      get: (id: string) => one<Document>(call('GET', `/documents/${seg(id)}`)),
      /** The extracted text. */
      content: (id: string) => call<string>('GET', `/documents/${seg(id)}/content`, { text: true }),
      delete: (id: string) => call<void>('DELETE', `/documents/${seg(id)}`),
      /** The whole signed upload flow: a signed URL, the PUT of the bytes, then the import. */
      upload: async (input: { folder_id: string; file_name: string; content_type: string; body: UploadBody }) => {
        const signed = await this.uploads.signedUrl({ file_name: input.file_name, content_type: input.content_type });
        await this.uploads.put(signed.url, input.body, input.content_type);
        return this.documents.createFromFile({ folder_id: input.folder_id, key: signed.key });
      },
    };

    this.uploads = {
      signedUrl: (input: { file_name: string; content_type: string }) =>
        one<SignedUpload>(call('POST', '/uploads/signed-url', { body: input })),
      /** PUTs the bytes to a signed URL (which needs no API key), with the declared type. */
      put: async (url: string, body: UploadBody, contentType: string) => {
        const res = await this.doFetch(url, { method: 'PUT', body, headers: { 'content-type': contentType } });
        if (!res.ok) throw await errorFrom(res, 'PUT <signed upload URL>');
        await res.body?.cancel();
      },
    };
  }

  /** One API call: JSON in, JSON (or text) out; a status outside 2xx rejects with a ParleyError. */
  private async call<T>(method: string, path: string, opts: { query?: Query; body?: unknown; text?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}`, accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.doFetch(`${this.base}/api/v1${path}${queryString(opts.query)}`, {
      method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    if (!res.ok) throw await errorFrom(res, `${method} ${path}`);
    if (res.status === 204) return undefined as T;
    return (opts.text ? await res.text() : await res.json()) as T;
  }
}

const one = async <T>(answer: Promise<unknown>): Promise<T> => ((await answer) as { data: T }).data;

const seg = encodeURIComponent;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
