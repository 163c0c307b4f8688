import type { ImportJobRepo, ImportPayload } from '../knowledge-repos.js';
import type { PgQueryable } from './postgres-database.js';

interface Row { id: number; account_id: number; document_id: number; payload: ImportPayload; attempts: number }

export function postgresImportJobs(db: PgQueryable): ImportJobRepo {
  return {
    async claimNext(now, leaseUntil) {
      // SKIP LOCKED: workers of several processes claiming at once each take a different job,
      // and none waits for another's claim to commit.
      const { rows } = await db.query<Row>(`UPDATE import_jobs SET state = 'running', started_at = $1, lease_until = $2, attempts = attempts + 1
        WHERE id = (SELECT id FROM import_jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, account_id, document_id, payload, attempts`, [now, leaseUntil ?? null]);
      const r = rows[0];
      return r && { id: r.id, accountId: r.account_id, documentId: r.document_id, payload: r.payload, attempts: r.attempts };
    },
    async renewLeases(jobIds, until) {
      if (!jobIds.length) return;
      await db.query(`UPDATE import_jobs SET lease_until = $2 WHERE id = ANY($1::bigint[]) AND state = 'running'`, [jobIds, until]);
    },
    async requeueExpired(now) {
      const { rowCount } = await db.query(`UPDATE import_jobs SET state = 'queued', started_at = NULL, lease_until = NULL
        WHERE state = 'running' AND coalesce(lease_until, 0) < $1`, [now]);
      return rowCount ?? 0;
    },
    async countByState() {
      const { rows } = await db.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM import_jobs GROUP BY state');
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}
