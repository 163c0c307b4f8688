import type { FastifyInstance } from 'fastify';
import { createFolder, getFolder, renameFolder } from '../../../domain/folders.js';
import { folderJson } from '../../knowledge-presenters.js';
import { accountOf } from '../bearer-auth.js';
import { listUrl, pageFields, pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { fieldsOf, optional, pathId, required, text } from '../schema/fields.js';
import * as answers from '../schema/responses.js';
import type { ZodTypeProvider } from '../schema/zod-compiler.js';

const tags = ['Folders'];
const params = fieldsOf({ id: pathId('folder', 'Folder') });
const nameBody = fieldsOf({ name: required(text(255)) });
const one = { 200: answers.one(answers.folderJson) };

const schemas = {
  list: {
    summary: 'List the folders', tags,
    querystring: fieldsOf({ keyword: optional(text(255)).meta({ description: 'Only those whose name contains it.' }), ...pageFields }),
    response: { 200: answers.page(answers.folderJson), ...answers.errorResponses(422) },
  },
  create: { summary: 'Create a folder', tags, body: nameBody, response: { ...one, ...answers.errorResponses(415, 422) } },
  get: { summary: 'Read a folder', tags, params, response: { ...one, ...answers.errorResponses(404) } },
  rename: { summary: 'Rename a folder', tags, params, body: nameBody, response: { ...one, ...answers.errorResponses(404, 415, 422) } },
};

export function folderRoutes(fastify: FastifyInstance, { store, config }: RouteDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/folders', { schema: schemas.list }, async (request) => {
    const page = readPage(request.query, 'folders', config.lists);
    const result = await store.folders.list(accountOf(request).id, { keyword: request.query.keyword }, page);
    return pageJson(result, page, folderJson, listUrl(config, request));
  });

  // 200, as the reference documents for every create.
  app.post('/folders', { schema: schemas.create }, async (request) => {
    const folder = await createFolder(store, accountOf(request).id, request.body.name);
    return { data: folderJson(folder) };
  });

  app.get('/folders/:id', { schema: schemas.get }, async (request) => ({
    data: folderJson(await getFolder(store, accountOf(request).id, request.params.id)),
  }));

  app.post('/folders/:id', { schema: schemas.rename }, async (request) => ({
    data: folderJson(await renameFolder(store, accountOf(request).id, request.params.id, request.body.name)),
  }));
}
