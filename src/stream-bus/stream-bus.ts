import type { MessageSource, TokenUsage } from '../domain/entities.js';

/**
 * How a reply ended, beyond its text: it was written (to its end, or until it was stopped), with
 * what it cost and what it drew on; or it failed, for a reason a person can read.
 */
export type ReplyEnding =
  | { outcome: 'done'; usage?: TokenUsage; sources?: MessageSource[] }
  | { outcome: 'failed'; reason: string };

/** The ending of a reply that failed. */
export const failedEnding = (reason: string): ReplyEnding => ({ outcome: 'failed', reason });

/** A piece of reply text and the reply's length (UTF-16 code units) once it is added. */
export interface FeedChunk {
  text: string;
  end: number;
}

export interface FeedRead {
  chunks: FeedChunk[];
  /** Present once the reader has everything and the reply has ended. */
  ending: ReplyEnding | undefined;
}

/**
 * A reply that readers can follow from any offset while it is being generated. Reading is
 * synchronous on purpose, for every adapter: a network adapter reads ahead into this process and
 * calls the watchers as more arrives, so the per-chunk path allocates no promise and the SSE
 * writer can stop reading while its socket is full.
 */
export interface ReplyFeed {
  /**
   * True for a copy of a reply that another process writes (a network bus): if that process dies
   * after storing the reply but before the bus carries its end, only the store knows it has ended.
   */
  readonly remote?: boolean;
  read(offset: number): FeedRead;
  /** Calls `listener` whenever there is more to read; returns the function that stops it. */
  watch(listener: () => void): () => void;
}

/** Whether the feed has its end (read from past any offset: no chunks are copied). */
export const hasEnded = (feed: ReplyFeed): boolean => feed.read(Number.MAX_SAFE_INTEGER).ending !== undefined;

/** Written by the one generation that owns the reply. */
export interface ReplyPublisher {
  /**
   * Adds text. Never waits and returns nothing (one promise per chunk is what the hot path must
   * not cost): an adapter that sends it elsewhere queues it in order, and a failure to carry it
   * is reported by `end`.
   */
  append(text: string): void;
  /** Ends the reply; settles once a reader in any process can read the end, rejects if the bus lost any of it. */
  end(ending: ReplyEnding): Promise<void>;
}

/**
 * Carries replies in flight from their generation to their readers, in this process or (for a
 * network adapter) in any process on the same engine.
 */
export interface StreamBus {
  /** Starts carrying a reply; its text and end come through the publisher. */
  open(replyId: number): ReplyPublisher;
  /**
   * The live (or just finished) reply, or undefined when the bus does not carry it: it never did,
   * or the reply ended longer ago than the bus keeps ended replies (the store has it then).
   */
  feed(replyId: number): Promise<ReplyFeed | undefined>;
  /** Asks whichever process generates `replyId` to stop it; settles once the request is sent. */
  requestStop(replyId: number): Promise<void>;
  /** Calls `listener` for each stop requested through any bus on the same engine; returns the function that stops it. */
  onStop(listener: (replyId: number) => void): () => void;
  close(): Promise<void>;
}
