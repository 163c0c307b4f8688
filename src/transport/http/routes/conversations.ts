import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  createConversation, deleteConversation, getConversation, updateConversation,
} from '../../../domain/conversations.js';
import { notFound } from '../../../errors.js';
import type { ConversationInput } from '../../../store/store.js';
import { conversationJson } from '../../presenters.js';
import { decodeId } from '../../public-ids.js';
import { accountOf } from '../bearer-auth.js';
import { pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { Input } from '../validation.js';

const MAX_DOCUMENTS = 1000;

function readConversation(body: unknown): ConversationInput {
  const input = Input.of(body);
  const name = input.requiredString('name', 255);
  const botId = input.requiredId('bot_id', 'bot');
  const documentIds = input.optionalIdList('document_ids', 'document', MAX_DOCUMENTS);
  input.done();
  return { name, botId: botId!, documentIds };
}

const idParam = (request: FastifyRequest) => {
  const id = decodeId('conversation', (request.params as { id: string }).id);
  if (id === undefined) throw notFound('Conversation');
  return id;
};

const wantsDocumentIds = (request: FastifyRequest) => Input.of(request.query).list('includes').has('document_ids');

export function conversationRoutes(app: FastifyInstance, { store, config }: RouteDeps): void {
  app.get('/conversations', async (request) => {
    const input = Input.of(request.query);
    const keyword = input.optionalString('keyword', 255);
    const botId = input.filterId('bot_id', 'bot');
    const page = readPage(input, 'conversations', config.lists);
    input.done();
    const withDocumentIds = wantsDocumentIds(request);
    const result = await store.conversations.list(accountOf(request).id, { botId, keyword, withDocumentIds }, page);
    return pageJson(result, page, conversationJson);
  });

  // 200, as the reference documents (widgets test `status === 200`).
  app.post('/conversations', async (request) => {
    const c = await createConversation(store, accountOf(request).id, readConversation(request.body));
    return { data: conversationJson(c) };
  });

  app.get('/conversations/:id', async (request) => {
    const c = await getConversation(store, accountOf(request).id, idParam(request), wantsDocumentIds(request));
    return { data: conversationJson(c) };
  });

  app.post('/conversations/:id', async (request) => {
    const id = idParam(request);
    const c = await updateConversation(store, accountOf(request).id, id, readConversation(request.body));
    return { data: conversationJson(c) };
  });

  app.delete('/conversations/:id', async (request, reply) => {
    await deleteConversation(store, accountOf(request).id, idParam(request));
    return reply.code(204).send();
  });
}
