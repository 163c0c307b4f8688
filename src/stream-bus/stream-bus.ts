import type { MessageSource, TokenUsage } from '../domain/entities.js';

/** How a reply ended, beyond its text. */
export interface ReplyEnding {
  /** Set when generation failed: a readable reason. */
  error?: string;
  usage?: TokenUsage;
  /** The documents the reply drew on. */
  sources?: MessageSource[];
}

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

/** A reply that readers can follow from any offset while it is being generated. */
export interface ReplyFeed {
  read(offset: number): FeedRead;
  /** Calls `listener` whenever there is more to read; returns the function that stops it. */
  watch(listener: () => void): () => void;
}

/** Written by the one generation that owns the reply. */
export interface ReplyPublisher {
  append(text: string): void;
  end(ending: ReplyEnding): void;
}

/** Carries replies in flight from their generation to their readers. */
export interface StreamBus {
  open(replyId: number): ReplyPublisher;
  /** The live (or just finished) reply, or undefined when this bus does not carry it. */
  feed(replyId: number): ReplyFeed | undefined;
  close(): Promise<void>;
}
