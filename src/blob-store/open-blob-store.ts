import path from 'node:path';
import type { Config } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { localBlobStore } from './local/local-blob-store.js';
import { createPostgresBlobStore } from './postgres/postgres-blob-store.js';

/**
 * Picks the blob store from BLOB_STORE: the data folder's `blobs/` (one machine), or the
 * PostgreSQL database of DATABASE_URL (every process on it reads every upload). Opening the
 * PostgreSQL one applies its migrations.
 */
export async function openBlobStore(config: Pick<Config, 'blobStore' | 'databaseUrl' | 'dataDir'>): Promise<BlobStore> {
  switch (config.blobStore) {
    case 'local':
      return localBlobStore(path.join(config.dataDir, 'blobs'));
    case 'postgres':
      return createPostgresBlobStore(config.databaseUrl);
  }
}
