import { randomBytes } from 'node:crypto';
import { ApiError, invalidField, notFound, validationFailed, type FieldErrors } from '../errors.js';
import { formatOf } from '../extract/file-formats.js';
import type { ImportPayload, NewDocument } from '../store/knowledge-repos.js';
import type { Store } from '../store/store.js';
import type { Document } from './entities.js';
import type { KnowledgeServices } from './knowledge-services.js';

export const TOO_MANY_IMPORTS_MESSAGE =
  'You have reached the limit of files that can be processed simultaneously. Please try again in few minutes.';

/** Webpage and file imports count against the account's limit of pending imports; pasted text does not. */
const LIMITED_KINDS: ImportPayload['kind'][] = ['webpage', 'file'];

type Deps = { store: Store; knowledge: KnowledgeServices };

async function requireFolder(store: Store, accountId: number, folderId: number | undefined): Promise<number> {
  if (folderId === undefined || !(await store.folders.get(accountId, folderId))) {
    throw invalidField('folder_id', 'The selected folder id is invalid.');
  }
  return folderId;
}

async function queue(
  { store, knowledge }: Deps, accountId: number, doc: NewDocument, payload: ImportPayload, limited: boolean,
): Promise<Document> {
  const limit = limited ? { kinds: LIMITED_KINDS, max: knowledge.settings.maxPendingImports } : undefined;
  const result = await store.documents.createWithImport(accountId, doc, payload, Date.now(), limit);
  if (!result.ok) {
    if (result.reason === 'too_many_pending') throw new ApiError(429, TOO_MANY_IMPORTS_MESSAGE, 'too_many_imports');
    throw invalidField('key', 'The file has already been imported.');
  }
  knowledge.wakeImports();
  return result.document;
}

/** A document from pasted text or HTML; indexed in the background like every import. */
export async function createTextDocument(
  deps: Deps, accountId: number, input: { folderId: number | undefined; name: string; content: string },
): Promise<Document> {
  const folderId = await requireFolder(deps.store, accountId, input.folderId);
  return queue(deps, accountId, { folderId, name: input.name, source: 'text', sourceUrl: null },
    { kind: 'text', content: input.content }, false);
}

/** A document fetched from a web page in the background; named after the page's title once fetched. */
export async function importWebpage(
  deps: Deps, accountId: number, input: { folderId: number | undefined; url: string },
): Promise<Document> {
  const folderId = await requireFolder(deps.store, accountId, input.folderId);
  return queue(deps, accountId, { folderId, name: input.url.slice(0, 255), source: 'webpage', sourceUrl: input.url },
    { kind: 'webpage', url: input.url }, true);
}

/** A signed PUT target for one file of an allowed type; returns its key and token. */
export async function createUpload(
  { store, knowledge }: Deps, accountId: number, input: { fileName: string; contentType: string },
): Promise<{ key: string; token: string }> {
  const format = formatOf(input.fileName);
  if (!format) throw invalidField('file_name', 'The file name must end with one of: txt, md, html, rtf, pdf, ppt, pptx, pptm, doc, docx, docm.');
  const now = Date.now();
  const key = `uploads/${randomBytes(16).toString('hex')}.${format}`;
  const expiresAt = now + knowledge.settings.uploadUrlTtlMs;
  await store.uploads.create({ key, accountId, fileName: input.fileName, contentType: input.contentType, createdAt: now, expiresAt });
  const token = knowledge.uploadUrls.sign({
    key, accountId, contentType: input.contentType, maxBytes: knowledge.settings.uploadMaxBytes, expiresAt,
  });
  return { key, token };
}

/** Turns an uploaded file into a document, converted in the background. */
export async function importFile(
  deps: Deps, accountId: number, input: { folderId: number | undefined; key: string },
): Promise<Document> {
  const { store, knowledge } = deps;
  const folderId = await requireFolder(store, accountId, input.folderId);
  const upload = await store.uploads.get(accountId, input.key);
  if (!upload) throw invalidField('key', 'The selected key is invalid.');
  if (upload.usedAt !== null) throw invalidField('key', 'The file has already been imported.');
  if (upload.size === null) throw invalidField('key', 'No file has been uploaded with this key yet.');
  const errors: FieldErrors = {};
  if (upload.size > knowledge.settings.uploadMaxBytes) {
    errors.file_size = [`The file size must not be greater than ${Math.floor(knowledge.settings.uploadMaxBytes / 1024)} kilobytes.`];
  }
  if (upload.size === 0) errors.file_size = ['The file is empty.'];
  if (!formatOf(upload.fileName)) errors.file_name = ['The file name has an extension Parley does not import.'];
  if (Object.keys(errors).length) throw validationFailed(errors);
  return queue(deps, accountId, { folderId, name: upload.fileName.slice(0, 255), source: 'file', sourceUrl: null },
    { kind: 'file', key: upload.key, fileName: upload.fileName, contentType: upload.contentType }, true);
}

export async function getDocument(store: Store, accountId: number, id: number): Promise<Document> {
  const doc = await store.documents.get(accountId, id);
  if (!doc) throw notFound('Document');
  return doc;
}

/** The document's extracted text; 409 while it has none (still importing, or failed). */
export async function documentContent(store: Store, accountId: number, id: number): Promise<string> {
  const content = await store.documents.content(accountId, id);
  if (content === undefined) throw notFound('Document');
  if (content === null) {
    const doc = await getDocument(store, accountId, id);
    throw new ApiError(409, doc.status === 'failed'
      ? `The document could not be imported: ${doc.failureReason ?? 'unknown reason'}`
      : 'The document is still being imported.', 'document_not_ready');
  }
  return content;
}

/** Deletes the document, its passages and its place in conversations' focus. */
export async function deleteDocument({ store, knowledge }: Deps, accountId: number, id: number): Promise<void> {
  if (!(await store.documents.delete(accountId, id))) throw notFound('Document');
  await knowledge.retriever.remove(accountId, id);
}
