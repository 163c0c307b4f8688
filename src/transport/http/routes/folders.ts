import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createFolder, getFolder, renameFolder } from '../../../domain/folders.js';
import { notFound } from '../../../errors.js';
import { folderJson } from '../../knowledge-presenters.js';
import { decodeId } from '../../public-ids.js';
import { accountOf } from '../bearer-auth.js';
import { pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { Input } from '../validation.js';

const readName = (body: unknown) => {
  const input = Input.of(body);
  const name = input.requiredString('name', 255);
  input.done();
  return name;
};

const idParam = (request: FastifyRequest) => {
  const id = decodeId('folder', (request.params as { id: string }).id);
  if (id === undefined) throw notFound('Folder');
  return id;
};

export function folderRoutes(app: FastifyInstance, { store, config }: RouteDeps): void {
  app.get('/folders', async (request) => {
    const input = Input.of(request.query);
    const keyword = input.optionalString('keyword', 255);
    const page = readPage(input, 'folders', config.lists);
    input.done();
    return pageJson(await store.folders.list(accountOf(request).id, { keyword }, page), page, folderJson);
  });

  // 200, as the reference documents for every create.
  app.post('/folders', async (request) => {
    const folder = await createFolder(store, accountOf(request).id, readName(request.body));
    return { data: folderJson(folder) };
  });

  app.get('/folders/:id', async (request) => ({
    data: folderJson(await getFolder(store, accountOf(request).id, idParam(request))),
  }));

  app.post('/folders/:id', async (request) => {
    const id = idParam(request);
    return { data: folderJson(await renameFolder(store, accountOf(request).id, id, readName(request.body))) };
  });
}
