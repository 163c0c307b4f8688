import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_GRACE_MS } from '../../src/domain/imports/import-worker.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { startParley, type RunningParley } from '../support/start-parley.js';
import { makeFolder, upload } from './knowledge-helpers.js';

describe('uploaded files that will never be imported are deleted', () => {
  let parley: RunningParley;
  // Through the blob store the configuration picks: files in the data folder, or PostgreSQL rows.
  const stored = async (key: string) => (await parley.app.blobs.read(key)) !== undefined;
  const HOUR = 3_600_000;

  beforeAll(async () => {
    parley = await startParley();
  });
  afterAll(() => parley.stop());

  it('keeps an upload until a day after its URL expired, then deletes the file and its record', async () => {
    const t = await parley.tenant();
    const key = await upload(t, 'notes.txt', 'text/plain', Buffer.from('never imported'));
    expect(await stored(key)).toBe(true);
    const expiresAt = (await parley.app.store.uploads.get(t.account.id, key))!.expiresAt;

    expect(await parley.app.imports.sweep(expiresAt + UPLOAD_GRACE_MS - HOUR)).toBe(0);
    expect(await stored(key)).toBe(true);

    expect(await parley.app.imports.sweep(expiresAt + UPLOAD_GRACE_MS + HOUR)).toBe(1);
    expect(await stored(key)).toBe(false);
    expect(await parley.app.store.uploads.get(t.account.id, key)).toBeUndefined();
    const late = await t.api('POST', '/documents/file', { folder_id: await makeFolder(t), key });
    expect(late.status).toBe(422);
  });

  it('keeps the file of a queued import, and deletes it once its document is deleted before it ran', async () => {
    const t = await parley.tenant();
    const folder = await makeFolder(t);
    await parley.app.imports.stop(); // nothing is converted from here on
    const key = await upload(t, 'queued.txt', 'text/plain', Buffer.from('queued then deleted'));
    const doc = await t.api('POST', '/documents/file', { folder_id: folder, key });
    expect(doc.status).toBe(200);
    const later = Date.now() + 2 * UPLOAD_GRACE_MS;
    // While the import is queued, its file stays.
    expect(await parley.app.imports.sweep(later)).toBe(0);
    expect((await t.api('DELETE', `/documents/${doc.json.data.id}`)).status).toBeLessThan(300);
    expect(await parley.app.imports.sweep(later)).toBe(1);
    expect(await stored(key)).toBe(false);
    expect(await parley.app.store.documents.get(t.account.id, decodeId('document', doc.json.data.id)!)).toBeUndefined();
  });
});
