import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  createTextDocument, deleteDocument, documentContent, getDocument, importFile, importWebpage,
} from '../../../domain/documents.js';
import { notFound } from '../../../errors.js';
import { documentJson } from '../../knowledge-presenters.js';
import { decodeId } from '../../public-ids.js';
import { accountOf } from '../bearer-auth.js';
import { pageJson, readPage } from '../pagination.js';
import { publicBase } from '../public-base.js';
import type { RouteDeps } from '../route-deps.js';
import { Input } from '../validation.js';

const MAX_CONTENT_BYTES = 768 * 1024;
const MAX_URL_CHARS = 2048;

const idParam = (request: FastifyRequest) => {
  const id = decodeId('document', (request.params as { id: string }).id);
  if (id === undefined) throw notFound('Document');
  return id;
};

function readTextDocument(body: unknown) {
  const input = Input.of(body);
  const name = input.requiredString('name', 255);
  const folderId = input.requiredId('folder_id', 'folder');
  const content = input.requiredString('content', Number.MAX_SAFE_INTEGER);
  if (Buffer.byteLength(content) > MAX_CONTENT_BYTES) input.fail('content', 'The content field must not be greater than 768 kilobytes.');
  input.done();
  return { name, folderId, content };
}

function readWebpage(body: unknown) {
  const input = Input.of(body);
  const folderId = input.requiredId('folder_id', 'folder');
  const url = input.requiredString('url', MAX_URL_CHARS).trim();
  if (url && !isHttpUrl(url)) input.fail('url', 'The url field must be a valid URL.');
  input.done();
  return { folderId, url };
}

function isHttpUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function documentRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { store, config } = deps;
  const json = (request: FastifyRequest) => {
    const base = publicBase(config, request.raw);
    return (d: Parameters<typeof documentJson>[0]) => documentJson(d, base);
  };

  app.get('/documents', async (request) => {
    const input = Input.of(request.query);
    const keyword = input.optionalString('keyword', 255);
    const folderId = input.filterId('folder_id', 'folder');
    const conversationId = input.filterId('conversation_id', 'conversation');
    const page = readPage(input, 'documents', deps.config.lists);
    input.done();
    const result = await store.documents.list(accountOf(request).id, { folderId, conversationId, keyword }, page);
    return pageJson(result, page, json(request));
  });

  // Every create answers 200, as the reference documents (a client's success branch tests for it).
  app.post('/documents', async (request) => {
    const doc = await createTextDocument(deps, accountOf(request).id, readTextDocument(request.body));
    return { data: json(request)(doc) };
  });

  app.post('/documents/webpage', async (request) => {
    const doc = await importWebpage(deps, accountOf(request).id, readWebpage(request.body));
    return { data: json(request)(doc) };
  });

  app.post('/documents/file', async (request) => {
    const input = Input.of(request.body);
    const folderId = input.requiredId('folder_id', 'folder');
    const key = input.requiredString('key', 512);
    input.done();
    return { data: json(request)(await importFile(deps, accountOf(request).id, { folderId, key })) };
  });

  app.get('/documents/:id', async (request) => ({
    data: json(request)(await getDocument(store, accountOf(request).id, idParam(request))),
  }));

  app.get('/documents/:id/content', async (request, reply) => {
    const text = await documentContent(store, accountOf(request).id, idParam(request));
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'private, no-store').send(text);
  });

  app.delete('/documents/:id', async (request, reply) => {
    await deleteDocument(deps, accountOf(request).id, idParam(request));
    return reply.code(204).send();
  });
}
