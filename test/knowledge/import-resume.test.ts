import { scaledTestForm } from '../support/test-services.js';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { request, startParley, type Tenant } from '../support/start-parley.js';
import { makeFolder, settled } from './knowledge-helpers.js';

describe('imports are durable jobs', () => {
  // Sets up its crashed worker through the SQLite file itself; the store contract covers leases on PostgreSQL.
  it.skipIf(scaledTestForm)('resumes queued and interrupted imports after a restart; gives up on one that keeps dying', async () => {
    const parley = await startParley();
    const t = await parley.tenant();
    const folder = await makeFolder(t);
    await parley.app.imports.stop(); // as if the process died before running anything

    const add = async (name: string) =>
      (await t.api('POST', '/documents', { folder_id: folder, name, content: `${name} has text.` })).json.data.id as string;
    const interrupted = await add('Interrupted');
    const doomed = await add('Doomed');
    const held = await add('Held');
    const queued = await add('Queued');
    // Two jobs were taken by a worker that then died: one on its first try, one on its last; one is still queued.
    await parley.app.store.importJobs.claimNext(Date.now());
    await parley.app.store.importJobs.claimNext(Date.now());
    // And one is held by a live process, which renews its lease: the restarted one leaves it alone.
    const heldJob = await parley.app.store.importJobs.claimNext(Date.now(), Date.now() + 60_000);
    (parley.app.store as SqliteStore).db.prepare(`UPDATE import_jobs SET attempts = 3 WHERE document_id =
      (SELECT id FROM documents WHERE name = 'Doomed')`).run();
    await parley.app.close();

    const app = await createApp({ ...parley.config, leaseMs: 600 });
    const url = (await app.listen()).replace('localhost', '127.0.0.1');
    const again: Tenant = { ...t, api: (method, u, body) => request(`${url}/api/v1${u}`, method, body, { authorization: `Bearer ${t.key}` }) };
    try {
      expect((await settled(again, queued)).status).toBe('synced');
      expect((await settled(again, interrupted)).status).toBe('synced');
      expect(await settled(again, doomed)).toMatchObject({ status: 'sync_failed', failure_reason: 'The import was interrupted too many times.' });
      expect((await again.api('GET', `/documents/${interrupted}/content`)).text).toBe('Interrupted has text.');
      expect((await again.api('GET', `/documents/${held}`)).json.data.status).toBe('syncing');
      // Its process dies: its lease runs out unrenewed, and this one takes the import over.
      const diedAt = Date.now();
      await app.store.importJobs.renewLeases([heldJob!.id], diedAt + 300);
      expect((await settled(again, held)).status).toBe('synced');
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(300);
      const left = (app.store as SqliteStore).db.prepare('SELECT count(*) FROM import_jobs').pluck().get();
      expect(left).toBe(0);
    } finally {
      await app.close();
      rmSync(parley.dataDir, { recursive: true, force: true });
    }
  });
});
