import type { FastifyInstance } from 'fastify';
import { botJson } from '../../presenters.js';
import { accountOf } from '../bearer-auth.js';
import { listUrl, pageFields, pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { fieldsOf, optional, text } from '../schema/fields.js';
import * as answers from '../schema/responses.js';
import type { ZodTypeProvider } from '../schema/zod-compiler.js';

const listBots = {
  summary: 'List the bots',
  tags: ['Bots'],
  querystring: fieldsOf({ keyword: optional(text(255)).meta({ description: 'Only bots whose name contains it.' }), ...pageFields }),
  response: { 200: answers.page(answers.botJson), ...answers.errorResponses(422) },
};

export function botRoutes(app: FastifyInstance, { store, defaultModel, config }: RouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get('/bots', { schema: listBots }, async (request) => {
    const { keyword } = request.query;
    const page = readPage(request.query, 'bots', config.lists);
    const result = await store.bots.list(accountOf(request).id, { keyword }, page);
    return pageJson(result, page, (b) => botJson(b, defaultModel), listUrl(config, request));
  });
}
