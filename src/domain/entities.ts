/** The records Parley keeps. Ids are the store's integers; the API shows them encoded (see public-ids.ts). */

export interface Account {
  id: number;
  name: string;
  plan: string | null;
  /** Messages allowed in any rolling 30 days; null means no limit. */
  messageLimit: number | null;
  createdAt: number;
}

export interface ApiKey {
  id: number;
  accountId: number;
  name: string | null;
  /** The public part of the key, used to find it; the secret part is only ever stored hashed. */
  prefix: string;
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface Bot {
  id: number;
  accountId: number;
  name: string;
  /** Shown to people choosing a bot (null: none given). */
  description: string | null;
  model: string | null;
  /** Tried when `model` fails before its first token. */
  fallbackModel: string | null;
  systemPrompt: string | null;
  temperature: number | null;
  maxReplyTokens: number | null;
  createdAt: number;
}

export interface Conversation {
  id: number;
  accountId: number;
  botId: number;
  name: string;
  createdAt: number;
  /** Present only when asked for. */
  documentIds?: number[];
}

export type MessageStatus = 'in_progress' | 'done' | 'failed';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when counted here with a tokenizer because the provider reported none. */
  estimated?: boolean;
  /** What the reply cost in credits: its model's credits per reply (see model-catalog.ts). */
  credits?: number;
}

/** A document a reply drew on, as recorded with the reply. */
export interface SourceRef {
  documentId: number;
  documentName: string;
}

/** A recorded source as shown: `documentUrl` is the page's URL for webpages, else null. */
export interface MessageSource extends SourceRef {
  documentUrl: string | null;
  createdAt: number;
}

export interface Message {
  id: number;
  accountId: number;
  conversationId: number;
  content: string;
  machine: boolean;
  status: MessageStatus;
  flagged: boolean;
  usage: TokenUsage | null;
  createdAt: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageRequest {
  limit: number;
  offset: number;
  /** Newest (highest id) first; otherwise oldest first. */
  newestFirst?: boolean;
}

export interface Folder {
  id: number;
  accountId: number;
  name: string;
  createdAt: number;
}

/** `syncing` while its import runs, then `synced`, or `failed` with `failureReason`. */
export type DocumentStatus = 'syncing' | 'synced' | 'failed';

/** Where a document's text came from. */
export type DocumentSource = 'text' | 'webpage' | 'file';

export interface Document {
  id: number;
  accountId: number;
  folderId: number;
  name: string;
  source: DocumentSource;
  /** The page's URL for webpages. */
  sourceUrl: string | null;
  status: DocumentStatus;
  failureReason: string | null;
  createdAt: number;
}
