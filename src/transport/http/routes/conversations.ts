import type { FastifyInstance } from 'fastify';
import {
  createConversation, deleteConversation, getConversation, updateConversation,
} from '../../../domain/conversations.js';
import { conversationJson } from '../../presenters.js';
import { accountOf } from '../bearer-auth.js';
import { listUrl, pageFields, pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import {
  fieldsOf, filterId, idList, includesFields, includesOf, optional, pathId, publicId, required, text,
} from '../schema/fields.js';
import * as answers from '../schema/responses.js';
import type { ZodTypeProvider } from '../schema/zod-compiler.js';

const MAX_DOCUMENTS = 1000;

const tags = ['Conversations'];
const params = fieldsOf({ id: pathId('conversation', 'Conversation') });
const includes = includesFields(['document_ids']);
const conversationBody = fieldsOf({
  name: required(text(255)),
  bot_id: required(publicId('bot')),
  document_ids: idList('document', MAX_DOCUMENTS).meta({ description: 'Focus documents, in folders the bot reads.' }),
});
const one = { 200: answers.one(answers.conversationJson) };

const schemas = {
  list: {
    summary: 'List the conversations', tags,
    querystring: fieldsOf({
      bot_id: filterId('bot'), keyword: optional(text(255)).meta({ description: 'Only those whose name contains it.' }),
      ...includes, ...pageFields,
    }),
    response: { 200: answers.page(answers.conversationJson), ...answers.errorResponses(422) },
  },
  create: { summary: 'Create a conversation', tags, body: conversationBody, response: { ...one, ...answers.errorResponses(415, 422) } },
  get: { summary: 'Read a conversation', tags, params, querystring: fieldsOf(includes), response: { ...one, ...answers.errorResponses(404) } },
  update: { summary: 'Update a conversation', tags, params, body: conversationBody, response: { ...one, ...answers.errorResponses(404, 415, 422) } },
  delete: {
    summary: 'Delete a conversation and its messages', tags, params,
    response: { 204: answers.noBody('Deleted.'), ...answers.errorResponses(404) },
  },
};

const readConversation = (body: { name: string; bot_id: number; document_ids?: number[] }) =>
  ({ name: body.name, botId: body.bot_id, documentIds: body.document_ids });

export function conversationRoutes(fastify: FastifyInstance, { store, config }: RouteDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/conversations', { schema: schemas.list }, async (request) => {
    const { keyword, bot_id: botId } = request.query;
    const page = readPage(request.query, 'conversations', config.lists);
    const withDocumentIds = includesOf(request.query).has('document_ids');
    const result = await store.conversations.list(accountOf(request).id, { botId, keyword, withDocumentIds }, page);
    return pageJson(result, page, conversationJson, listUrl(config, request));
  });

  // 200, as the reference documents (widgets test `status === 200`).
  app.post('/conversations', { schema: schemas.create }, async (request) => {
    const c = await createConversation(store, accountOf(request).id, readConversation(request.body));
    return { data: conversationJson(c) };
  });

  app.get('/conversations/:id', { schema: schemas.get }, async (request) => {
    const withDocumentIds = includesOf(request.query).has('document_ids');
    const c = await getConversation(store, accountOf(request).id, request.params.id, withDocumentIds);
    return { data: conversationJson(c) };
  });

  app.post('/conversations/:id', { schema: schemas.update }, async (request) => {
    const c = await updateConversation(store, accountOf(request).id, request.params.id, readConversation(request.body));
    return { data: conversationJson(c) };
  });

  app.delete('/conversations/:id', { schema: schemas.delete }, async (request, reply) => {
    await deleteConversation(store, accountOf(request).id, request.params.id);
    return reply.code(204).send();
  });
}
