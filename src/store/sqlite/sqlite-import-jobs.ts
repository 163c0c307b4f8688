import type { ImportJob, ImportJobRepo, ImportPayload } from '../knowledge-repos.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row { id: number; account_id: number; document_id: number; payload: string; attempts: number }

export function sqliteImportJobs(db: SqliteDb): ImportJobRepo {
  const claim = db.prepare(`UPDATE import_jobs SET state = 'running', started_at = ?, attempts = attempts + 1
    WHERE id = (SELECT id FROM import_jobs WHERE state = 'queued' ORDER BY id LIMIT 1)
    RETURNING id, account_id, document_id, payload, attempts`);
  const requeue = db.prepare(`UPDATE import_jobs SET state = 'queued', started_at = NULL WHERE state = 'running'`);
  const byState = db.prepare('SELECT state, count(*) AS n FROM import_jobs GROUP BY state');
  return {
    async claimNext(now) {
      const r = claim.get(now) as Row | undefined;
      if (!r) return undefined;
      const job: ImportJob = {
        id: r.id, accountId: r.account_id, documentId: r.document_id,
        payload: JSON.parse(r.payload) as ImportPayload, attempts: r.attempts,
      };
      return job;
    },
    async requeueRunning() {
      return requeue.run().changes;
    },
    async countByState() {
      return Object.fromEntries((byState.all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    },
  };
}
