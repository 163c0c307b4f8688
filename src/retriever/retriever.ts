import type { Logger } from '../domain/logger.js';
import type { Embedder } from './embeddings/embedder.js';

/** Below this cosine similarity a passage is unrelated, however few others there are (EMBEDDINGS_MIN_SIMILARITY's default). */
export const DEFAULT_MIN_SIMILARITY = 0.25;

/** How many candidates each method brings to the fusion, per result wanted. */
export const CANDIDATES_PER_RESULT = 4;

/** What every adapter is opened with (see open-retriever.ts). */
export interface RetrieverOptions {
  /** Turns on hybrid retrieval: passages embedded too, fused with full-text hits. */
  embedder?: Embedder;
  log?: Logger;
  /** Below this cosine similarity a passage is no vector hit. */
  minSimilarity?: number;
  /**
   * The relevance floor, 0 to 1: the least share of a question's weight (its terms, each by its
   * rarity) that a passage must contain to be found by full text. 0 lets any shared word through.
   */
  minRelevance?: number;
}

/** A document's text as the retriever indexes it. */
export interface IndexedDocument {
  accountId: number;
  folderId: number;
  documentId: number;
  documentName: string;
  text: string;
}

export interface RetrieveQuery {
  accountId: number;
  /** Only passages of documents in these folders (the bot's); none → no results. */
  folderIds: number[];
  /** When given and not empty, only passages of these documents (a conversation's focus). */
  documentIds?: number[];
  /** Any user text: it is never read as query syntax. */
  query: string;
  limit: number;
}

export interface RetrievedPassage {
  documentId: number;
  documentName: string;
  passage: string;
  /** The titles of the sections the passage sits in, outermost first; empty before the first heading. */
  section: string[];
  /** Higher is more relevant; comparable only within one result list. */
  score: number;
}

/**
 * The retrieval port: splits documents into passages (see split-passages.ts), indexes them, and
 * finds those that best answer a question, none when nothing is relevant enough. Adapters:
 * `sqlite/` (FTS5 with BM25, plus vectors when an embedder is set), `postgres/` (text search with
 * a weighted tsvector and ts_rank, plus vectors).
 */
export interface Retriever {
  /** Replaces whatever was indexed for the document; returns how many passages it now has. */
  index(doc: IndexedDocument): Promise<{ passages: number }>;
  /** Forgets the document's passages. */
  remove(accountId: number, documentId: number): Promise<void>;
  /** The best passages, best first; empty when none reaches the relevance floor. */
  retrieve(query: RetrieveQuery): Promise<RetrievedPassage[]>;
  /**
   * Whether any of the folders holds a passage, far more cheaply than `retrieve` finds nothing:
   * a reply whose bot reads only empty folders skips retrieval. Absent: always retrieve.
   */
  holdsPassages?(accountId: number, folderIds: number[]): Promise<boolean>;
  /** Releases what the adapter holds of its own (the PostgreSQL adapter's pool). */
  close?(): Promise<void>;
}
