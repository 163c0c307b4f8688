import type { BlobStore } from '../../blob-store/blob-store.js';
import { ExtractionError } from '../../extract/extraction-error.js';
import type { Retriever } from '../../retriever/retriever.js';
import type { ImportJob } from '../../store/knowledge-repos.js';
import type { Store } from '../../store/store.js';
import { FetchError, type FetchLimits } from '../../webpage/guarded-fetch.js';
import type { Logger } from '../logger.js';
import { convertImport } from './convert-import.js';

export interface ImportSettings {
  concurrency: number;
  timeoutMs: number;
  webpage: FetchLimits;
  /** How often the queue is checked without being woken (jobs queued by another process). */
  pollMs?: number;
  /** How often files nobody will import are deleted. */
  sweepMs?: number;
  /** How long a running job stays this process's without a renewal (renewed every third of it). */
  leaseMs?: number;
}

/** An uploaded file may still be imported for this long after its upload URL expired. */
export const UPLOAD_GRACE_MS = 24 * 3_600_000;
const SWEEP_BATCH = 500;

/** Starts beyond this mean the job keeps killing or stalling the server: it fails instead. */
export const MAX_ATTEMPTS = 3;

const INTERNAL_REASON = 'The document could not be imported because of an internal error.';

/**
 * Runs import jobs from the store's durable queue inside the server process: a few at a time,
 * each bounded in time. Each running job is leased to its process, which renews it; a job whose
 * lease ran out (its process died) is queued again by whichever process notices, at start or
 * later, so no document stays `syncing` forever and no process takes another's live work.
 */
export class ImportWorker {
  private readonly running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  private stopping = false;
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { store: Store; retriever: Retriever; blobs: BlobStore; log: Logger },
    private readonly settings: ImportSettings,
  ) {}

  private get leaseMs(): number {
    return this.settings.leaseMs ?? 30_000;
  }

  async start(): Promise<void> {
    await this.requeueExpired();
    this.leaseTimer = setInterval(() => void this.keepLeases(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.leaseTimer.unref();
    this.timer = setInterval(() => this.wake(), this.settings.pollMs ?? 2000);
    this.timer.unref();
    this.sweepTimer = setInterval(() => void this.sweep(), this.settings.sweepMs ?? 600_000);
    this.sweepTimer.unref();
    this.wake();
    void this.sweep();
  }

  /**
   * Deletes uploaded files that will never be converted: uploads not imported within
   * UPLOAD_GRACE_MS of their URL's expiry, and uploads whose import went away with its document.
   * Returns how many it removed.
   */
  async sweep(now = Date.now()): Promise<number> {
    const { store, blobs, log } = this.deps;
    try {
      const keys = await store.uploads.abandoned(now - UPLOAD_GRACE_MS, SWEEP_BATCH);
      for (const key of keys) await blobs.delete(key);
      await store.uploads.forget(keys);
      if (keys.length) log.info({ count: keys.length }, 'deleted uploaded files that will not be imported');
      return keys.length;
    } catch (err) {
      log.error({ err }, 'could not sweep abandoned uploads');
      return 0;
    }
  }

  /** Queues again the jobs whose process died (their lease ran out). */
  private async requeueExpired(): Promise<void> {
    const resumed = await this.deps.store.importJobs.requeueExpired(Date.now());
    if (resumed) {
      this.deps.log.warn({ count: resumed }, 'resuming imports a stopped process left unfinished');
      this.wake();
    }
  }

  /** Renews the leases of this process's jobs, and takes up those of dead processes. */
  private async keepLeases(): Promise<void> {
    try {
      if (this.running.size) await this.deps.store.importJobs.renewLeases([...this.running.keys()], Date.now() + this.leaseMs);
      await this.requeueExpired();
    } catch (err) {
      this.deps.log.error({ err }, 'could not renew import leases');
    }
  }

  /** Looks for queued jobs now. */
  wake(): void {
    void this.pump().catch((err) => this.deps.log.error({ err }, 'import queue failed'));
  }

  /** Stops taking jobs and aborts those running; their leases end now, so the next process to look takes them up. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.sweepTimer);
    clearInterval(this.leaseTimer);
    const ids = [...this.running.keys()];
    for (const r of this.running.values()) r.controller.abort(new Error('the server is stopping'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.deps.store.importJobs.renewLeases(ids, 0)
      .catch((err: unknown) => this.deps.log.error({ err }, 'could not give up the leases of interrupted imports'));
  }

  get activeCount(): number {
    return this.running.size;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopping && this.running.size < this.settings.concurrency) {
        const now = Date.now();
        const job = await this.deps.store.importJobs.claimNext(now, now + this.leaseMs);
        if (!job) break;
        const controller = new AbortController();
        const done = this.run(job, controller.signal).finally(() => {
          this.running.delete(job.id);
          this.wake();
        });
        this.running.set(job.id, { controller, done });
      }
    } finally {
      this.pumping = false;
    }
  }

  private async run(job: ImportJob, stopSignal: AbortSignal): Promise<void> {
    const { store, retriever, blobs, log } = this.deps;
    const started = Date.now();
    const fields = { documentId: job.documentId, kind: job.payload.kind, attempt: job.attempts };
    const doc = await store.documents.get(job.accountId, job.documentId);
    if (!doc) return;
    if (job.attempts > MAX_ATTEMPTS) {
      log.error(fields, 'import failed: interrupted too many times');
      await store.documents.finishImport(doc.id, { status: 'failed', reason: 'The import was interrupted too many times.' }, Date.now());
      return this.cleanUp(job);
    }
    log.info(fields, 'import started');
    try {
      const converted = await withTimeout(
        convertImport(job.payload, { blobs, webpage: this.settings.webpage }), this.settings.timeoutMs, stopSignal,
      );
      const name = converted.name ?? doc.name;
      const { passages } = await retriever.index({
        accountId: doc.accountId, folderId: doc.folderId, documentId: doc.id, documentName: name, text: converted.text,
      });
      const kept = await store.documents.finishImport(doc.id, { status: 'synced', content: converted.text, name: converted.name }, Date.now());
      // Deleted while it was being imported: drop what was just indexed.
      if (!kept) await retriever.remove(doc.accountId, doc.id);
      log.info({ ...fields, passages, ms: Date.now() - started }, 'import finished');
    } catch (err) {
      if (stopSignal.aborted) {
        log.warn(fields, 'import interrupted by shutdown; it resumes at the next start');
        return;
      }
      const known = err instanceof ExtractionError || err instanceof FetchError || err instanceof ImportTimeout;
      if (known) log.warn({ ...fields, reason: (err as Error).message }, 'import failed');
      else log.error({ ...fields, err }, 'import failed unexpectedly');
      await store.documents.finishImport(doc.id, { status: 'failed', reason: known ? (err as Error).message : INTERNAL_REASON }, Date.now());
    }
    await this.cleanUp(job);
  }

  private async cleanUp(job: ImportJob): Promise<void> {
    if (job.payload.kind === 'file') {
      await this.deps.blobs.delete(job.payload.key).catch((err) => this.deps.log.warn({ err }, 'could not delete an imported upload'));
    }
  }
}

class ImportTimeout extends Error {}

/** Settles with `work`, or rejects after `ms` or when `stop` aborts; `work` cannot be cancelled, only abandoned. */
function withTimeout<T>(work: Promise<T>, ms: number, stop: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ImportTimeout(`The import took longer than ${Math.round(ms / 1000)} seconds.`)), ms);
      onAbort = () => reject(stop.reason);
      stop.addEventListener('abort', onAbort, { once: true });
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (onAbort) stop.removeEventListener('abort', onAbort);
  });
}
