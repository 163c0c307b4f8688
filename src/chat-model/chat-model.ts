import type { TokenUsage } from '../domain/entities.js';

/** One interface in front of every model provider. */
export interface ChatModel {
  /** Streams one reply. The stream ends after a `finish` or an `error` part; it never throws. */
  stream(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** The bot's model; the adapter's default when absent. */
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal: AbortSignal;
}

/** `content-filter`: the provider refused on policy grounds (OpenAI content_filter, Anthropic refusal). */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'other';

export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; finishReason: FinishReason; usage?: TokenUsage }
  | { type: 'error'; error: ChatModelError };

/**
 * An upstream failure: `statusCode` when the provider answered, `isRetryable` for 429/5xx/network,
 * `retryAfterMs` from the provider's Retry-After, `aborted` when we cancelled the request ourselves.
 */
export class ChatModelError extends Error {
  constructor(
    message: string,
    readonly options: {
      statusCode?: number; isRetryable?: boolean; retryAfterMs?: number; aborted?: boolean; cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get statusCode() {
    return this.options.statusCode;
  }
  get isRetryable() {
    return this.options.isRetryable ?? false;
  }
  get retryAfterMs() {
    return this.options.retryAfterMs;
  }
  get aborted() {
    return this.options.aborted ?? false;
  }
}
