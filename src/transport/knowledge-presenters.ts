import type { Document, Folder } from '../domain/entities.js';
import { encodeId } from './public-ids.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

export function folderJson(f: Folder) {
  return { id: encodeId('folder', f.id), name: f.name, created_at: seconds(f.createdAt) };
}

/**
 * A document as the Cody reference shapes it, plus Parley's `failure_reason` (why a `sync_failed`
 * import failed; null otherwise). `content_url` serves the extracted text to the owning account.
 */
export function documentJson(d: Document, baseUrl: string) {
  const id = encodeId('document', d.id);
  return {
    id,
    name: d.name,
    // The published values are syncing, synced and sync_failed; the store says `failed`.
    status: d.status === 'failed' ? ('sync_failed' as const) : d.status,
    content_url: `${baseUrl}/api/v1/documents/${id}/content`,
    folder_id: encodeId('folder', d.folderId),
    created_at: seconds(d.createdAt),
    failure_reason: d.status === 'failed' ? d.failureReason : null,
  };
}
