import type { ImportJob, ImportJobRepo, ImportPayload } from '../knowledge-repos.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row { id: number; account_id: number; document_id: number; payload: string; attempts: number }

export function sqliteImportJobs(db: SqliteDb): ImportJobRepo {
  const claim = db.prepare(`UPDATE import_jobs SET state = 'running', started_at = ?, lease_until = ?, attempts = attempts + 1
    WHERE id = (SELECT id FROM import_jobs WHERE state = 'queued' ORDER BY id LIMIT 1)
    RETURNING id, account_id, document_id, payload, attempts`);
  const requeue = db.prepare(`UPDATE import_jobs SET state = 'queued', started_at = NULL, lease_until = NULL
    WHERE state = 'running' AND coalesce(lease_until, 0) < ?`);
  const renew = db.prepare(`UPDATE import_jobs SET lease_until = ? WHERE id = ? AND state = 'running'`);
  const renewAll = db.transaction((jobIds: number[], until: number) => {
    for (const id of jobIds) renew.run(until, id);
  });
  const byState = db.prepare('SELECT state, count(*) AS n FROM import_jobs GROUP BY state');
  return {
    async claimNext(now, leaseUntil) {
      const r = claim.get(now, leaseUntil ?? null) as Row | undefined;
      if (!r) return undefined;
      const job: ImportJob = {
        id: r.id, accountId: r.account_id, documentId: r.document_id,
        payload: JSON.parse(r.payload) as ImportPayload, attempts: r.attempts,
      };
      return job;
    },
    async renewLeases(jobIds, until) {
      if (jobIds.length) renewAll.immediate(jobIds, until);
    },
    async requeueExpired(now) {
      return requeue.run(now).changes;
    },
    async countByState() {
      return Object.fromEntries((byState.all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    },
  };
}
