import type {
  Account, ApiKey, Bot, Conversation, Message, MessageSource, MessageStatus, Page, PageRequest, SourceRef, TokenUsage,
} from '../domain/entities.js';
import type {
  BotAdminRepo, BotFolderRepo, DocumentRepo, FolderRepo, ImportJobRepo, UploadRepo,
} from './knowledge-repos.js';

/**
 * The storage port. Every method that reads an account's data takes the account id, so that
 * another account's ids behave exactly like ids that do not exist. Times are Unix milliseconds.
 */
export interface Store {
  readonly accounts: AccountRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly bots: BotRepo;
  readonly conversations: ConversationRepo;
  readonly messages: MessageRepo;
  readonly folders: FolderRepo;
  readonly documents: DocumentRepo;
  readonly importJobs: ImportJobRepo;
  readonly uploads: UploadRepo;
  readonly botFolders: BotFolderRepo;
  readonly botAdmin: BotAdminRepo;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface AccountRepo {
  create(input: { name: string; plan: string | null; messageLimit: number | null; createdAt: number }): Promise<Account>;
  get(id: number): Promise<Account | undefined>;
  list(): Promise<Account[]>;
  count(): Promise<number>;
}

export interface ApiKeyRepo {
  create(input: { accountId: number; name: string | null; prefix: string; hash: string; createdAt: number }): Promise<ApiKey>;
  findByPrefix(prefix: string): Promise<ApiKey | undefined>;
  touch(id: number, at: number): Promise<void>;
  /** Returns the key as revoked, or undefined when there is no such key. */
  revoke(id: number, at: number): Promise<ApiKey | undefined>;
  listByAccount(accountId: number): Promise<ApiKey[]>;
}

export interface BotInput {
  name: string;
  description?: string | null;
  model: string | null;
  fallbackModel?: string | null;
  systemPrompt: string | null;
  temperature: number | null;
  maxReplyTokens: number | null;
}

export interface BotRepo {
  create(accountId: number, input: BotInput, createdAt: number): Promise<Bot>;
  get(accountId: number, id: number): Promise<Bot | undefined>;
  list(accountId: number, filter: { keyword?: string }, page: PageRequest): Promise<Page<Bot>>;
  /** Every model name some bot uses (main or fallback), to report those the configuration lacks. */
  modelsInUse(): Promise<string[]>;
}

export interface ConversationInput {
  name: string;
  botId: number;
  /** Undefined leaves the focus documents as they are (on update). */
  documentIds?: number[];
}

export interface ConversationRepo {
  create(accountId: number, input: ConversationInput, createdAt: number): Promise<Conversation>;
  get(accountId: number, id: number, opts?: { withDocumentIds?: boolean }): Promise<Conversation | undefined>;
  /** The conversation, its bot and the folders the bot reads, in one read: what every send starts with. */
  withBot(accountId: number, id: number): Promise<{ conversation: Conversation; bot: Bot; folderIds: number[] } | undefined>;
  list(
    accountId: number,
    filter: { botId?: number; keyword?: string; withDocumentIds?: boolean },
    page: PageRequest,
  ): Promise<Page<Conversation>>;
  update(accountId: number, id: number, input: ConversationInput): Promise<Conversation | undefined>;
  /** Deletes the conversation and its messages; false when there was none. */
  delete(accountId: number, id: number): Promise<boolean>;
}

export interface SendInput {
  accountId: number;
  conversationId: number;
  content: string;
  createdAt: number;
  /** The account's rolling 30-day limit; null for none. */
  messageLimit: number | null;
}

export interface ReplyOutcome {
  content: string;
  status: Exclude<MessageStatus, 'in_progress'>;
  usage: TokenUsage | null;
  flagged: boolean;
  /** When set, the user message this reply answers stops counting against the quota. */
  refund?: { accountId: number; sentAt: number };
  /** The documents the reply drew on. */
  sources?: SourceRef[];
}

export interface UsageTotals {
  messages: number;
  replies: number;
  failedReplies: number;
  promptTokens: number;
  completionTokens: number;
  /** Replies whose token counts were estimated here (the provider reported none). */
  estimatedReplies: number;
}

export type HistoryMessage = Pick<Message, 'id' | 'machine' | 'content'>;

export interface MessageRepo {
  /**
   * In one atomic step: checks the 30-day quota, stores the user's message and an empty
   * in-progress reply, and counts the message. Undefined when the quota is reached (nothing stored).
   */
  send(input: SendInput): Promise<{ user: Message; reply: Message } | undefined>;
  get(accountId: number, id: number): Promise<Message | undefined>;
  list(accountId: number, filter: { conversationId?: number }, page: PageRequest): Promise<Page<Message>>;
  /**
   * The conversation's messages before `beforeId`, newest first, leaving out failed and unfinished
   * replies: only what a prompt needs of them, since this is read before every reply.
   */
  history(conversationId: number, beforeId: number, limit: number): Promise<HistoryMessage[]>;
  /** Saves what an in-progress reply has so far (batched by the caller). */
  savePartial(parts: { id: number; content: string }[]): Promise<void>;
  finishReply(id: number, outcome: ReplyOutcome): Promise<void>;
  /** The sources recorded with each of these messages (those without any are absent). */
  sources(messageIds: number[]): Promise<Map<number, MessageSource[]>>;
  /** The reply that answers a user message. */
  replyTo(accountId: number, userMessageId: number): Promise<Message | undefined>;
  setFlagged(id: number): Promise<void>;
  /**
   * Extends to `until` (epoch ms) the leases of replies in progress: the process generating them
   * renews them while it runs, so that a process that died is told from one that is busy.
   */
  renewLeases(replyIds: number[], until: number): Promise<void>;
  /**
   * Fails, refunding their messages, the replies in progress whose lease ran out before `now` (a
   * reply never renewed holds one for `leaseMs` from its creation): their process died. Returns
   * their ids. Exactly one caller fails each reply, however many processes ask together.
   */
  failExpired(errorText: string, now: number, leaseMs: number): Promise<number[]>;
  /** What an account's messages since `since` added up to. */
  usageTotals(accountId: number, since: number): Promise<UsageTotals>;
  /** Messages counted against the quota in the 30 days ending at `now`. */
  countInWindow(accountId: number, now: number): Promise<number>;
}
