import type { Document, DocumentSource, DocumentStatus } from '../../domain/entities.js';
import type { DocumentRepo } from '../knowledge-repos.js';
import { containsPattern } from '../contains-pattern.js';
import { inTransaction, type PgPool } from './postgres-database.js';
import { postgresPage } from './postgres-page.js';

interface Row {
  id: number; account_id: number; folder_id: number; name: string; source: string; source_url: string | null;
  status: string; failure_reason: string | null; created_at: number;
}

const COLUMNS = 'id, account_id, folder_id, name, source, source_url, status, failure_reason, created_at';

const toDocument = (r: Row): Document => ({
  id: r.id, accountId: r.account_id, folderId: r.folder_id, name: r.name, source: r.source as DocumentSource,
  sourceUrl: r.source_url, status: r.status as DocumentStatus, failureReason: r.failure_reason, createdAt: r.created_at,
});

export function postgresDocuments(pool: PgPool): DocumentRepo {
  return {
    async createWithImport(accountId, doc, payload, createdAt, limit) {
      return inTransaction(pool, async (tx) => {
        if (limit) {
          // The account's row lock makes the pending count and the insert one step across processes.
          await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId]);
          const { rows } = await tx.query<{ n: number }>(
            'SELECT count(*) AS n FROM import_jobs WHERE account_id = $1 AND kind = ANY($2::text[])', [accountId, limit.kinds],
          );
          if (rows[0].n >= limit.max) return { ok: false as const, reason: 'too_many_pending' as const };
        }
        if (payload.kind === 'file') {
          const used = await tx.query('UPDATE uploads SET used_at = $1 WHERE account_id = $2 AND key = $3 AND used_at IS NULL',
            [createdAt, accountId, payload.key]);
          if (!used.rowCount) return { ok: false as const, reason: 'upload_used' as const };
        }
        const { rows } = await tx.query<Row>(`INSERT INTO documents
          (account_id, folder_id, name, source, source_url, status, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, 'syncing', $6, $6) RETURNING ${COLUMNS}`,
        [accountId, doc.folderId, doc.name, doc.source, doc.sourceUrl, createdAt]);
        await tx.query(`INSERT INTO import_jobs (account_id, document_id, kind, payload, created_at)
          VALUES ($1, $2, $3, $4, $5)`, [accountId, rows[0].id, payload.kind, JSON.stringify(payload), createdAt]);
        return { ok: true as const, document: toDocument(rows[0]) };
      });
    },
    async get(accountId, id) {
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM documents WHERE account_id = $1 AND id = $2`, [accountId, id]);
      return rows[0] && toDocument(rows[0]);
    },
    async list(accountId, filter, page) {
      return postgresPage(pool, {
        select: COLUMNS,
        from: `FROM documents WHERE account_id = $1
          AND ($2::bigint IS NULL OR folder_id = $2)
          AND ($3::bigint IS NULL OR id IN (SELECT cd.document_id FROM conversation_documents cd
            JOIN conversations c ON c.id = cd.conversation_id WHERE c.id = $3 AND c.account_id = $1))
          AND name ILIKE $4 ESCAPE '\\'`,
      }, [accountId, filter.folderId ?? null, filter.conversationId ?? null, containsPattern(filter.keyword ?? '')], page, toDocument);
    },
    async content(accountId, id) {
      const { rows } = await pool.query<{ content: string | null }>(
        'SELECT content FROM documents WHERE account_id = $1 AND id = $2', [accountId, id],
      );
      return rows[0] ? rows[0].content : undefined;
    },
    async finishImport(id, outcome, at) {
      // One statement: the job is dropped and the document updated together.
      const { rows } = await pool.query<{ changed: number }>(`WITH dropped AS (DELETE FROM import_jobs WHERE document_id = $1),
        updated AS (UPDATE documents SET
            status = $2, failure_reason = $3, updated_at = $6,
            content = CASE WHEN $2 = 'synced' THEN $4 ELSE content END,
            name = CASE WHEN $2 = 'synced' THEN coalesce($5, name) ELSE name END
          WHERE id = $1 RETURNING 1)
        SELECT count(*) AS changed FROM updated`,
      outcome.status === 'synced'
        ? [id, 'synced', null, outcome.content, outcome.name ?? null, at]
        : [id, 'failed', outcome.reason, null, null, at]);
      return rows[0].changed > 0;
    },
    async delete(accountId, id) {
      const { rows } = await pool.query<{ gone: number }>(`WITH gone AS (DELETE FROM documents WHERE account_id = $1 AND id = $2 RETURNING id),
        unfocused AS (DELETE FROM conversation_documents WHERE document_id IN (SELECT id FROM gone))
        SELECT count(*) AS gone FROM gone`, [accountId, id]);
      return rows[0].gone > 0;
    },
    async inFolders(accountId, ids, folderIds) {
      const { rows } = await pool.query<{ id: number }>(`SELECT id FROM documents WHERE account_id = $1
        AND id = ANY($2::bigint[]) AND folder_id = ANY($3::bigint[]) ORDER BY id`, [accountId, ids, folderIds]);
      return rows.map((r) => r.id);
    },
  };
}
