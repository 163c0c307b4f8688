import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import {
  createTextDocument, deleteDocument, documentContent, getDocument, importFile, importWebpage,
} from '../../../domain/documents.js';
import { documentJson } from '../../knowledge-presenters.js';
import { accountOf } from '../bearer-auth.js';
import { listUrl, pageFields, pageJson, readPage } from '../pagination.js';
import { publicBase } from '../public-base.js';
import type { RouteDeps } from '../route-deps.js';
import { anyText, fieldsOf, filterId, issue, optional, pathId, publicId, required, text } from '../schema/fields.js';
import * as answers from '../schema/responses.js';
import type { ZodTypeProvider } from '../schema/zod-compiler.js';

const MAX_CONTENT_KILOBYTES = 768;
const MAX_URL_CHARS = 2048;

function isHttpUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const tags = ['Documents'];
const params = fieldsOf({ id: pathId('document', 'Document') });
const one = { 200: answers.one(answers.documentJson) };
const folderId = required(publicId('folder'));

const schemas = {
  list: {
    summary: 'List the documents', tags,
    querystring: fieldsOf({
      keyword: optional(text(255)).meta({ description: 'Only those whose name contains it.' }),
      folder_id: filterId('folder'),
      conversation_id: filterId('conversation').meta({ description: "Only this conversation's focus documents." }),
      ...pageFields,
    }),
    response: { 200: answers.page(answers.documentJson), ...answers.errorResponses(422) },
  },
  create: {
    summary: 'Add a document from text or HTML', description: 'Imported in the background: its `status` is `syncing` until then.', tags,
    body: fieldsOf({
      name: required(text(255)),
      folder_id: folderId,
      content: required(anyText()
        .refine((s) => Buffer.byteLength(s) <= MAX_CONTENT_KILOBYTES * 1024, issue({ rule: 'max_kilobytes', limit: MAX_CONTENT_KILOBYTES }))
        .meta({ description: `Text or HTML, up to ${MAX_CONTENT_KILOBYTES} KB (UTF-8).` })),
    }),
    response: { ...one, ...answers.errorResponses(415, 422) },
  },
  webpage: {
    summary: 'Add a document from a web page', description: 'Fetched in the background.', tags,
    body: fieldsOf({
      folder_id: folderId,
      url: required(text(MAX_URL_CHARS).refine((s) => isHttpUrl(s.trim()), issue({ rule: 'url' })).transform((s) => s.trim())
        .meta({ format: 'uri', description: 'An http or https URL.' })),
    }),
    response: { ...one, ...answers.errorResponses(415, 422) },
  },
  file: {
    summary: 'Add a document from an uploaded file',
    description: 'The `key` of an upload made through `POST /api/v1/uploads/signed-url`; converted in the background.', tags,
    body: fieldsOf({ folder_id: folderId, key: required(text(512)) }),
    response: { ...one, ...answers.errorResponses(415, 422) },
  },
  get: { summary: 'Read a document', tags, params, response: { ...one, ...answers.errorResponses(404) } },
  content: {
    summary: "A document's extracted text", description: "Parley's own: the target of `content_url`.", tags, params,
    response: {
      200: { description: 'The extracted text.', content: { 'text/plain': { schema: z.string() } } },
      ...answers.errorResponses(404),
    },
  },
  delete: { summary: 'Delete a document and its passages', tags, params, response: { 204: answers.noBody('Deleted.'), ...answers.errorResponses(404) } },
};

export function documentRoutes(fastify: FastifyInstance, deps: RouteDeps): void {
  const { store, config } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const json = (request: FastifyRequest) => {
    const base = publicBase(config, request.raw);
    return (d: Parameters<typeof documentJson>[0]) => documentJson(d, base);
  };

  app.get('/documents', { schema: schemas.list }, async (request) => {
    const { keyword, folder_id: folderId, conversation_id: conversationId } = request.query;
    const page = readPage(request.query, 'documents', config.lists);
    const result = await store.documents.list(accountOf(request).id, { folderId, conversationId, keyword }, page);
    return pageJson(result, page, json(request), listUrl(config, request));
  });

  // Every create answers 200, as the reference documents (a client's success branch tests for it).
  app.post('/documents', { schema: schemas.create }, async (request) => {
    const { name, folder_id: folderId, content } = request.body;
    const doc = await createTextDocument(deps, accountOf(request).id, { name, folderId, content });
    return { data: json(request)(doc) };
  });

  app.post('/documents/webpage', { schema: schemas.webpage }, async (request) => {
    const doc = await importWebpage(deps, accountOf(request).id, { folderId: request.body.folder_id, url: request.body.url });
    return { data: json(request)(doc) };
  });

  app.post('/documents/file', { schema: schemas.file }, async (request) => {
    const { folder_id: folderId, key } = request.body;
    return { data: json(request)(await importFile(deps, accountOf(request).id, { folderId, key })) };
  });

  app.get('/documents/:id', { schema: schemas.get }, async (request) => ({
    data: json(request)(await getDocument(store, accountOf(request).id, request.params.id)),
  }));

  app.get('/documents/:id/content', { schema: schemas.content }, async (request, reply) => {
    const text = await documentContent(store, accountOf(request).id, request.params.id);
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'private, no-store').send(text);
  });

  app.delete('/documents/:id', { schema: schemas.delete }, async (request, reply) => {
    await deleteDocument(deps, accountOf(request).id, request.params.id);
    return reply.code(204).send();
  });
}
