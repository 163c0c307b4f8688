import type { Document, DocumentSource, DocumentStatus } from '../../domain/entities.js';
import type { DocumentRepo } from '../knowledge-repos.js';
import { pagedQuery } from './paged-query.js';
import type { SqliteDb } from './sqlite-database.js';
import { containsPattern } from './sql-helpers.js';

interface Row {
  id: number; account_id: number; folder_id: number; name: string; source: string; source_url: string | null;
  status: string; failure_reason: string | null; created_at: number;
}

const COLUMNS = 'id, account_id, folder_id, name, source, source_url, status, failure_reason, created_at';

const toDocument = (r: Row): Document => ({
  id: r.id, accountId: r.account_id, folderId: r.folder_id, name: r.name, source: r.source as DocumentSource,
  sourceUrl: r.source_url, status: r.status as DocumentStatus, failureReason: r.failure_reason, createdAt: r.created_at,
});

export function sqliteDocuments(db: SqliteDb): DocumentRepo {
  const insert = db.prepare(`INSERT INTO documents
    (account_id, folder_id, name, source, source_url, status, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'syncing', ?, ?) RETURNING ${COLUMNS}`);
  const insertJob = db.prepare(`INSERT INTO import_jobs (account_id, document_id, kind, payload, created_at)
    VALUES (?, ?, ?, ?, ?)`);
  const pending = db.prepare(`SELECT count(*) FROM import_jobs WHERE account_id = ?
    AND kind IN (SELECT value FROM json_each(?))`).pluck();
  const useUpload = db.prepare('UPDATE uploads SET used_at = ? WHERE account_id = ? AND key = ? AND used_at IS NULL');
  const byId = db.prepare(`SELECT ${COLUMNS} FROM documents WHERE account_id = ? AND id = ?`);
  const filtered = `FROM documents WHERE account_id = ?
    AND (? IS NULL OR folder_id = ?)
    AND (? IS NULL OR id IN (SELECT cd.document_id FROM conversation_documents cd
      JOIN conversations c ON c.id = cd.conversation_id WHERE c.id = ? AND c.account_id = ?))
    AND name LIKE ? ESCAPE '\\'`;
  const list = pagedQuery(db, COLUMNS, filtered, toDocument);
  const content = db.prepare('SELECT content FROM documents WHERE account_id = ? AND id = ?');
  const synced = db.prepare(`UPDATE documents SET status = 'synced', failure_reason = NULL, content = ?,
    name = coalesce(?, name), updated_at = ? WHERE id = ?`);
  const failed = db.prepare(`UPDATE documents SET status = 'failed', failure_reason = ?, updated_at = ? WHERE id = ?`);
  const dropJobs = db.prepare('DELETE FROM import_jobs WHERE document_id = ?');
  const remove = db.prepare('DELETE FROM documents WHERE account_id = ? AND id = ?');
  const unfocus = db.prepare('DELETE FROM conversation_documents WHERE document_id = ?');
  const inFolders = db.prepare(`SELECT id FROM documents WHERE account_id = ?
    AND id IN (SELECT value FROM json_each(?)) AND folder_id IN (SELECT value FROM json_each(?)) ORDER BY id`).pluck();

  const createTx = db.transaction((
    accountId: number, doc: Parameters<DocumentRepo['createWithImport']>[1],
    payload: Parameters<DocumentRepo['createWithImport']>[2], createdAt: number,
    limit: Parameters<DocumentRepo['createWithImport']>[4],
  ) => {
    if (limit && (pending.get(accountId, JSON.stringify(limit.kinds)) as number) >= limit.max) {
      return { ok: false as const, reason: 'too_many_pending' as const };
    }
    if (payload.kind === 'file' && useUpload.run(createdAt, accountId, payload.key).changes === 0) {
      return { ok: false as const, reason: 'upload_used' as const };
    }
    const d = toDocument(insert.get(accountId, doc.folderId, doc.name, doc.source, doc.sourceUrl, createdAt, createdAt) as Row);
    insertJob.run(accountId, d.id, payload.kind, JSON.stringify(payload), createdAt);
    return { ok: true as const, document: d };
  });
  const finishTx = db.transaction((id: number, outcome: Parameters<DocumentRepo['finishImport']>[1], at: number) => {
    dropJobs.run(id);
    const changes = outcome.status === 'synced'
      ? synced.run(outcome.content, outcome.name ?? null, at, id).changes
      : failed.run(outcome.reason, at, id).changes;
    return changes > 0;
  });
  const deleteTx = db.transaction((accountId: number, id: number) => {
    const gone = remove.run(accountId, id).changes > 0;
    if (gone) unfocus.run(id);
    return gone;
  });

  return {
    async createWithImport(accountId, doc, payload, createdAt, limit) {
      return createTx(accountId, doc, payload, createdAt, limit);
    },
    async get(accountId, id) {
      const r = byId.get(accountId, id) as Row | undefined;
      return r && toDocument(r);
    },
    async list(accountId, filter, page) {
      const folder = filter.folderId ?? null;
      const conversation = filter.conversationId ?? null;
      return list([accountId, folder, folder, conversation, conversation, accountId, containsPattern(filter.keyword ?? '')], page);
    },
    async content(accountId, id) {
      const r = content.get(accountId, id) as { content: string | null } | undefined;
      return r ? r.content : undefined;
    },
    async finishImport(id, outcome, at) {
      return finishTx(id, outcome, at);
    },
    async delete(accountId, id) {
      return deleteTx(accountId, id);
    },
    async inFolders(accountId, ids, folderIds) {
      return inFolders.all(accountId, JSON.stringify(ids), JSON.stringify(folderIds)) as number[];
    },
  };
}
