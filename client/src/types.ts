/** The API's objects as Parley sends them (ids are opaque strings, `created_at` Unix seconds). */

export interface Pagination {
  count: number;
  total: number;
  per_page: number;
  current_page: number;
  total_pages: number;
  next_page: number | null;
  previous_page: number | null;
  /** The same pages as URLs (the hosted service's shape): `{}` on a single page. */
  links: { previous?: string; next?: string };
}

/** A list answer: one page of items and where it sits. */
export interface Page<T> {
  data: T[];
  meta: { pagination: Pagination };
}

export interface PageQuery {
  page?: number;
  per_page?: number;
  keyword?: string;
  /** Parley's own: lists come newest first unless `oldest` is asked for. */
  order?: 'newest' | 'oldest';
}

export interface Bot {
  id: string;
  name: string;
  /** What the bot answers with: a model's name, or `extractive` when no model is configured. */
  model: string;
  description: string | null;
  created_at: number;
}

export interface Conversation {
  id: string;
  name: string;
  bot_id: string;
  created_at: number;
  /** Present with `includes: ['document_ids']` (and on create/update). */
  document_ids?: string[];
}

export interface ConversationInput {
  name: string;
  bot_id: string;
  /** Focus documents: the conversation's replies draw on these alone. */
  document_ids?: string[];
}

/**
 * Token counts of a reply. Parley reports the provider's counts (`estimated` when it counted them
 * itself); the published shape's `tokens`/`credits` are typed too so either server version reads.
 */
export interface Usage {
  tokens?: number;
  credits?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  estimated?: boolean;
}

/** A knowledge-base passage a reply drew on. */
export interface Source {
  type: string;
  document_id: string;
  document_name: string;
  /** The webpage's URL, or the document's extracted text (`/documents/{id}/content`). */
  document_url: string;
  created_at: number;
}

export interface Message {
  id: string;
  content: string;
  conversation_id: string;
  /** true for the bot's replies. */
  machine: boolean;
  failed_responding: boolean;
  flagged: boolean;
  created_at: number;
  usage?: Usage | null;
  sources?: { data: Source[] };
}

export type MessageIncludes = 'sources' | 'usage';

export interface SendInput {
  conversation_id: string;
  /** 1–2000 characters. */
  content: string;
}

/** What `POST /messages/stream` answers with `redirect: false`. */
export interface StreamTicket {
  stream_url: string;
  message_id: string;
  reply_id: string;
}

export interface Folder {
  id: string;
  name: string;
  created_at: number;
}

export type DocumentStatus = 'syncing' | 'synced' | 'sync_failed';

export interface Document {
  id: string;
  name: string;
  status: DocumentStatus;
  content_url: string;
  folder_id: string;
  created_at: number;
  /** Why an import failed (Parley's own field); null otherwise. */
  failure_reason: string | null;
}

export interface DocumentQuery extends PageQuery {
  folder_id?: string;
  /** The conversation's focus documents. */
  conversation_id?: string;
}

export interface SignedUpload {
  /** PUT the file's bytes here, with the declared Content-Type (no API key). */
  url: string;
  /** Hand this to `documents.createFromFile`. */
  key: string;
}

/** The error body every refusal carries (Laravel's shape for 422: `errors` by field). */
export interface CodyErrorBody {
  message: string;
  errors?: Record<string, string[]>;
}
