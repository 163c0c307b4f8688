import type Database from 'better-sqlite3';
import type { SqliteDb } from './sqlite-database.js';

interface Pending {
  run(): void;
  settle(commitError?: unknown): void;
}

/**
 * Group commit: writes asked for during one turn of the event loop are committed together, in
 * one IMMEDIATE transaction, at the end of that turn. A commit (the WAL append, the lock) costs
 * far more than the inserts it carries, so under load this divides it among every send and
 * finished reply of the turn; alone, a write waits only for the turn to end.
 *
 * Each write runs in its own savepoint: one that fails (a row gone, a constraint) is undone and
 * rejects only its caller. Callers hear of success only once the whole transaction is committed.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private readonly commitAll: Database.Transaction<(queue: Pending[]) => void>;

  constructor(private readonly db: SqliteDb) {
    this.commitAll = db.transaction((queue: Pending[]) => {
      for (const p of queue) p.run();
    });
  }

  /** `write` as a function whose calls are queued for the turn's transaction. */
  wrap<A extends unknown[], R>(write: (...args: A) => R): (...args: A) => Promise<R> {
    const inSavepoint = this.db.transaction(write);
    return (...args) => new Promise<R>((resolve, reject) => {
      let result: { ok: true; value: R } | { ok: false; error: unknown } | undefined;
      this.enqueue({
        run: () => {
          try {
            result = { ok: true, value: inSavepoint(...args) };
          } catch (error) {
            result = { ok: false, error };
            // Some errors (disk full, I/O) end the whole transaction: then nothing of it stands.
            if (!this.db.inTransaction) throw error;
          }
        },
        settle: (commitError) => {
          if (commitError !== undefined) reject(commitError);
          else if (result?.ok) resolve(result.value);
          else reject(result ? result.error : new Error('the write did not run'));
        },
      });
    });
  }

  /** Commits what is queued now (the store calls it before closing). */
  flush(): void {
    const queue = this.queue;
    if (!queue.length) return;
    this.queue = [];
    let commitError: unknown;
    try {
      this.commitAll.immediate(queue);
    } catch (error) {
      commitError = error ?? new Error('the transaction failed');
    }
    for (const p of queue) p.settle(commitError);
  }

  private enqueue(p: Pending): void {
    if (!this.queue.length) setImmediate(() => this.flush());
    this.queue.push(p);
  }
}
