import type { BlobStore } from '../blob-store/blob-store.js';
import type { KnowledgeConfig } from '../config/knowledge-config.js';
import type { Retriever } from '../retriever/retriever.js';
import type { UploadUrls } from './upload-urls.js';

/** What the knowledge base's routes and domain functions use besides the store. */
export interface KnowledgeServices {
  retriever: Retriever;
  blobs: BlobStore;
  /** Tells the import worker that a job was queued. */
  wakeImports(): void;
  uploadUrls: UploadUrls;
  settings: KnowledgeConfig;
}
