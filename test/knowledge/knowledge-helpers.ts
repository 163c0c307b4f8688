import type { Tenant } from '../support/start-parley.js';

/** Polls a document until its import ends; returns the document as the API shows it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function settled(t: Tenant, documentId: string, timeoutMs = 15_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.api('GET', `/documents/${documentId}`);
    if (r.status !== 200) throw new Error(`GET /documents/${documentId} answered ${r.status}: ${r.text}`);
    if (r.json.data.status !== 'syncing') return r.json.data;
    if (Date.now() > until) throw new Error(`document ${documentId} still syncing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function makeFolder(t: Tenant, name = 'Docs'): Promise<string> {
  const r = await t.api('POST', '/folders', { name });
  if (r.status !== 200) throw new Error(`POST /folders answered ${r.status}: ${r.text}`);
  return r.json.data.id;
}

/** Adds a text document and waits until it is synced. */
export async function addText(t: Tenant, folderId: string, name: string, content: string): Promise<string> {
  const r = await t.api('POST', '/documents', { folder_id: folderId, name, content });
  if (r.status !== 200) throw new Error(`POST /documents answered ${r.status}: ${r.text}`);
  const doc = await settled(t, r.json.data.id);
  if (doc.status !== 'synced') throw new Error(`document ${name} ${doc.status}: ${doc.failure_reason}`);
  return doc.id;
}

/** Asks for a signed URL, PUTs the bytes there; returns the key (throws on any refusal). */
export async function upload(t: Tenant, fileName: string, contentType: string, bytes: Buffer): Promise<string> {
  const signed = await t.api('POST', '/uploads/signed-url', { file_name: fileName, content_type: contentType });
  if (signed.status !== 200) throw new Error(`signed-url answered ${signed.status}: ${signed.text}`);
  const put = await fetch(signed.json.data.url, { method: 'PUT', body: bytes, headers: { 'content-type': contentType } });
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
  return signed.json.data.key;
}

/** Uploads a file and imports it into the folder; returns the document once its import ended. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function importFile(t: Tenant, folderId: string, fileName: string, contentType: string, bytes: Buffer): Promise<any> {
  const key = await upload(t, fileName, contentType, bytes);
  const r = await t.api('POST', '/documents/file', { folder_id: folderId, key });
  if (r.status !== 200) throw new Error(`POST /documents/file answered ${r.status}: ${r.text}`);
  return settled(t, r.json.data.id);
}
