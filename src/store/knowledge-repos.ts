import type { Bot, Document, DocumentSource, Folder, Page, PageRequest } from '../domain/entities.js';

/** The knowledge base's part of the Store port: folders, documents, their imports and uploads. */

export interface FolderRepo {
  create(accountId: number, name: string, createdAt: number): Promise<Folder>;
  get(accountId: number, id: number): Promise<Folder | undefined>;
  list(accountId: number, filter: { keyword?: string }, page: PageRequest): Promise<Page<Folder>>;
  rename(accountId: number, id: number, name: string): Promise<Folder | undefined>;
  /** Those of `ids` that are folders of the account. */
  existing(accountId: number, ids: number[]): Promise<number[]>;
}

export interface NewDocument {
  folderId: number;
  name: string;
  source: DocumentSource;
  sourceUrl: string | null;
}

/** What an import job does, kept as JSON with the job. */
export type ImportPayload =
  | { kind: 'text'; content: string }
  | { kind: 'webpage'; url: string }
  | { kind: 'file'; key: string; fileName: string; contentType: string };

export interface ImportJob {
  id: number;
  accountId: number;
  documentId: number;
  payload: ImportPayload;
  /** How many times a worker has started it, this time included. */
  attempts: number;
}

export type ImportOutcome =
  | { status: 'synced'; content: string; name?: string }
  | { status: 'failed'; reason: string };

export type CreateImportResult =
  | { ok: true; document: Document }
  | { ok: false; reason: 'too_many_pending' | 'upload_used' };

export interface DocumentFilter {
  folderId?: number;
  /** Documents the conversation focuses on. */
  conversationId?: number;
  keyword?: string;
}

export interface DocumentRepo {
  /**
   * In one step: stores a `syncing` document and queues its import job. With `limit`, refuses
   * when the account already has `limit.max` queued or running jobs of `limit.kinds`; with an
   * upload key in the payload, marks the upload used and refuses one that already was.
   */
  createWithImport(
    accountId: number, doc: NewDocument, payload: ImportPayload, createdAt: number,
    limit?: { kinds: ImportPayload['kind'][]; max: number },
  ): Promise<CreateImportResult>;
  get(accountId: number, id: number): Promise<Document | undefined>;
  list(accountId: number, filter: DocumentFilter, page: PageRequest): Promise<Page<Document>>;
  /** The extracted text; null while there is none yet; undefined when there is no such document. */
  content(accountId: number, id: number): Promise<string | null | undefined>;
  /** Ends an import and drops its job; false when the document is gone meanwhile. */
  finishImport(documentId: number, outcome: ImportOutcome, at: number): Promise<boolean>;
  /** Deletes the document, its job and its place in conversations' focus; false when there was none. */
  delete(accountId: number, id: number): Promise<boolean>;
  /** Those of `ids` that are documents of the account in one of `folderIds`. */
  inFolders(accountId: number, ids: number[], folderIds: number[]): Promise<number[]>;
}

export interface ImportJobRepo {
  /**
   * Takes the oldest queued job (marking it running, counting the attempt), if any, leased to the
   * caller until `leaseUntil` (epoch ms; without it the claim holds no lease, and any process may
   * queue it again).
   */
  claimNext(now: number, leaseUntil?: number): Promise<ImportJob | undefined>;
  /** Extends to `until` the leases of running jobs: their process renews them while it works on them. */
  renewLeases(jobIds: number[], until: number): Promise<void>;
  /**
   * Puts back in the queue the running jobs whose lease ran out before `now` (their process died,
   * or stopped and gave them up); returns how many. Jobs a live process renews are left alone.
   */
  requeueExpired(now: number): Promise<number>;
  /** How many jobs are in each state (`queued`, `running`), for the metrics. */
  countByState(): Promise<Record<string, number>>;
}

export interface Upload {
  key: string;
  accountId: number;
  fileName: string;
  contentType: string;
  createdAt: number;
  expiresAt: number;
  /** When its one PUT began; null before. */
  putAt: number | null;
  /** Bytes received; null until the PUT completed. */
  size: number | null;
  /** When a document was made from it; null before. */
  usedAt: number | null;
}

export interface UploadRepo {
  create(upload: Pick<Upload, 'key' | 'accountId' | 'fileName' | 'contentType' | 'createdAt' | 'expiresAt'>): Promise<void>;
  /**
   * Claims the upload's single PUT at `at`; undefined when there is no such upload, or its PUT is
   * done, or claimed at or after `staleBefore` (a claim older than that, unfinished, was cut off
   * by a crash: no PUT runs that long, so it is taken over).
   */
  claimPut(key: string, at: number, staleBefore: number): Promise<Upload | undefined>;
  /** Gives back the claim made at `at` by a PUT that failed, so that the URL can be used again. */
  releasePut(key: string, at: number): Promise<void>;
  completePut(key: string, size: number): Promise<void>;
  get(accountId: number, key: string): Promise<Upload | undefined>;
  /**
   * Keys whose files nobody will convert: never imported and expired before `cutoff`, or taken
   * for an import (before `cutoff`) that no queued or running job holds any more.
   */
  abandoned(cutoff: number, limit: number): Promise<string[]>;
  /** Removes the records of these uploads. */
  forget(keys: string[]): Promise<void>;
}

export interface BotFolderRepo {
  /** The folders a bot may read. */
  list(botId: number): Promise<number[]>;
  set(botId: number, folderIds: number[]): Promise<void>;
}

/** What `bot update` changes; an absent (undefined) field stays as it is. */
export interface BotPatch {
  name?: string;
  description?: string | null;
  model?: string | null;
  fallbackModel?: string | null;
  systemPrompt?: string | null;
  temperature?: number | null;
  maxReplyTokens?: number | null;
}

/** Administration of bots by id alone (the command line works across accounts). */
export interface BotAdminRepo {
  find(id: number): Promise<Bot | undefined>;
  update(id: number, patch: BotPatch): Promise<Bot | undefined>;
}
