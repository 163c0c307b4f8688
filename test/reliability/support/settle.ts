import type { RunningParley } from '../../support/start-parley.js';
import type { StoreWatch } from './store-snapshot.js';

/**
 * Waits until what accepted requests started is done and written: no reply being generated, no
 * import running or still queued (a job queued but not yet claimed runs no code, so the worker's
 * own count cannot see it), and the store the same on two reads in a row. Returns its version then.
 */
export async function settle(parley: RunningParley, watch: StoreWatch): Promise<string | number> {
  let last: string | number = -1;
  const deadline = Date.now() + 15_000;
  for (let i = 0; Date.now() < deadline; i++) {
    if (parley.app.generations.activeCount === 0 && parley.app.imports.activeCount === 0 && !(await importsPending(parley))) {
      const now = await watch.version();
      if (now === last) return now;
      last = now;
    }
    await new Promise((r) => setTimeout(r, i < 5 ? 1 : 10));
  }
  throw new Error('the server did not settle within 15 s: a reply or an import is still going');
}

async function importsPending(parley: RunningParley): Promise<boolean> {
  const counts = await parley.app.store.importJobs.countByState();
  return (counts.queued ?? 0) + (counts.running ?? 0) > 0;
}
