import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import pg from 'pg';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { makeFolder, settled } from './knowledge-helpers.js';

/** A PUT that announces `total` bytes, sends `sent` of them, and then drops the connection. */
function cutOffPut(url: string, total: number, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'PUT', agent: false,
      headers: { 'content-type': 'text/plain', 'content-length': String(total) } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(Buffer.alloc(sent, 'x'), () => setTimeout(() => req.destroy(), 100));
  });
}

/**
 * What a put cut off by a crash leaves in the configured blob store (a part file in the data
 * folder, or PostgreSQL rows no key names yet), and whether any of it is still there.
 */
async function halfFile(parley: RunningParley, key: string): Promise<{ left(): Promise<boolean> }> {
  if (parley.config.blobStore === 'local') {
    const part = path.join(parley.dataDir, 'blobs', `${key}.part`);
    mkdirSync(path.dirname(part), { recursive: true });
    writeFileSync(part, 'half of the fi');
    return { left: async () => existsSync(part) };
  }
  const db = new pg.Client({ connectionString: parley.config.databaseUrl });
  await db.connect();
  try {
    await db.query(`INSERT INTO blob_pending (blob_id, key, started_at) VALUES (nextval('blob_ids'), $1, 1)`, [key]);
    await db.query(`INSERT INTO blob_chunks (blob_id, ordinal, data) SELECT blob_id, 0, 'half of the fi' FROM blob_pending WHERE key = $1`, [key]);
  } finally {
    await db.end();
  }
  return {
    left: async () => {
      const reader = new pg.Client({ connectionString: parley.config.databaseUrl });
      await reader.connect();
      try {
        return (await reader.query('SELECT 1 FROM blob_pending WHERE key = $1', [key])).rowCount !== 0;
      } finally {
        await reader.end();
      }
    },
  };
}

const put = (url: string, body: string) => fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } });

describe('an upload cut off midway can be sent again', () => {
  let parley: RunningParley;
  let t: Tenant;
  let folder: string;
  beforeAll(async () => {
    parley = await startParley({ HTTP_REQUEST_TIMEOUT: '1s' });
    t = await parley.tenant();
    folder = await makeFolder(t);
  });
  afterAll(() => parley.stop());

  const signed = async (name: string) =>
    (await t.api('POST', '/uploads/signed-url', { file_name: name, content_type: 'text/plain' })).json.data as { url: string; key: string };

  it('by the client going away: the PUT gives its claim back, and the retry is imported', async () => {
    const s = await signed('dropped.txt');
    await cutOffPut(s.url, 10_000, 3000);
    await new Promise((r) => setTimeout(r, 100));
    const again = await put(s.url, 'the whole file');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ data: { key: s.key, size: 14 } });
    expect((await put(s.url, 'a third time')).status).toBe(403);
    const doc = await t.api('POST', '/documents/file', { folder_id: folder, key: s.key });
    expect(doc.status).toBe(200);
    expect((await settled(t, doc.json.data.id)).status).toBe('synced');
  });

  it('by a crash: the claim and the half file it left are taken over once older than HTTP_REQUEST_TIMEOUT', async () => {
    const s = await signed('crashed.txt');
    // What a process killed in the middle of the body leaves: the claim, and half a file.
    await parley.app.store.uploads.claimPut(s.key, Date.now(), 0);
    const half = await halfFile(parley, s.key);
    // While that PUT might still be running, the URL is taken...
    const early = await put(s.url, 'too soon');
    expect(early.status).toBe(403);
    expect(await early.json()).toEqual({ message: 'The upload URL has already been used.' });
    // ...and once no PUT can still be running, it is the client's again.
    await new Promise((r) => setTimeout(r, 1200));
    const late = await put(s.url, 'the whole file, again');
    expect(late.status).toBe(200);
    expect(await half.left()).toBe(false);
    const doc = await t.api('POST', '/documents/file', { folder_id: folder, key: s.key });
    expect(doc.status).toBe(200);
    const synced = await settled(t, doc.json.data.id);
    expect(synced.status).toBe('synced');
    expect((await t.api('GET', `/documents/${synced.id}/content`)).text).toBe('the whole file, again');
  });
});
