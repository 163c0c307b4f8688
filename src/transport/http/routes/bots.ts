import type { FastifyInstance } from 'fastify';
import { botJson } from '../../presenters.js';
import { accountOf } from '../bearer-auth.js';
import { pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { Input } from '../validation.js';

export function botRoutes(app: FastifyInstance, { store, defaultModel, config }: RouteDeps): void {
  app.get('/bots', async (request) => {
    const input = Input.of(request.query);
    const keyword = input.optionalString('keyword', 255);
    const page = readPage(input, 'bots', config.lists);
    input.done();
    const result = await store.bots.list(accountOf(request).id, { keyword }, page);
    return pageJson(result, page, (b) => botJson(b, defaultModel));
  });
}
