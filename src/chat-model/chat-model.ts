import type { TokenUsage } from '../domain/entities.js';

/** One interface in front of every model provider. */
export interface ChatModel {
  /**
   * Streams one reply: each piece of text goes to `onText` as it arrives (never empty, never once
   * the request is aborted, never after the end), and the promise resolves with how the reply
   * ended, a `finish` or an `error` part. It never rejects.
   *
   * Text is pushed, not pulled through an async iterator: a reply then waits for its next piece
   * as one pending promise and a few listeners, not as a chain of suspended generators, which
   * with thousands of replies open is kilobytes each (see BENCHMARKS.md, held streams).
   */
  stream(request: ChatRequest, onText: (text: string) => void): Promise<ChatEnd>;
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
  /**
   * The longest to wait for the first piece of text. Past it the request is closed and the stream
   * ends with a (not retryable) "sent nothing" error: a model that hangs is not asked again, the
   * fallback is. Unlike an abort, this ends only this request, not the reply.
   */
  firstTextTimeoutMs?: number;
  /** Ends the request (an AbortSignal will do; a reply passes its lighter ReplyStop). */
  signal: Cancellation;
}

/**
 * What an adapter reads of a request's cancellation: AbortSignal's shape, reduced to what is used,
 * so that a reply in progress need not carry a whole AbortSignal (see src/domain/reply-stop.ts).
 */
export interface Cancellation {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** `content-filter`: the provider refused on policy grounds (OpenAI content_filter, Anthropic refusal). */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'other';

/** How a reply's stream ended. */
export type ChatEnd =
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
