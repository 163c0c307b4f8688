import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendMessage } from '../../../domain/send-message.js';
import { ApiError, notFound } from '../../../errors.js';
import { messageJson } from '../../presenters.js';
import { decodeId } from '../../public-ids.js';
import { accountOf } from '../auth.js';
import { pageJson, readPage } from '../pagination.js';
import type { RouteDeps } from '../route-deps.js';
import { streamUrl } from '../stream-url.js';
import { Input } from '../validation.js';

const MAX_CONTENT = 2000;

function readSend(body: unknown, withRedirect: boolean) {
  const input = Input.of(body);
  const content = input.requiredString('content', MAX_CONTENT);
  const conversationId = input.requiredId('conversation_id');
  const redirect = withRedirect ? input.optionalBoolean('redirect', true) : false;
  input.done();
  return { content, conversationId, redirect };
}

const includesOf = (request: FastifyRequest) => Input.of(request.query).list('includes');

export function messageRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { store } = deps;

  app.get('/messages', async (request) => {
    const input = Input.of(request.query);
    const conversationId = input.filterId('conversation_id');
    const page = readPage(input);
    input.done();
    const includes = includesOf(request);
    const result = await store.messages.list(accountOf(request).id, { conversationId }, page);
    return pageJson(result, page, (m) => messageJson(m, includes));
  });

  app.get('/messages/:id', async (request) => {
    const id = decodeId((request.params as { id: string }).id);
    const message = id === undefined ? undefined : await store.messages.get(accountOf(request).id, id);
    if (!message) throw notFound('Message');
    return { data: messageJson(message, includesOf(request)) };
  });

  /** Blocking: answers with the reply once it is generated (500 with its error text when that fails). */
  app.post('/messages', async (request) => {
    const account = accountOf(request);
    const input = readSend(request.body, false);
    const sent = await sendMessage(deps, account, input);
    const outcome = await sent.outcome;
    if (outcome.failed) throw new ApiError(500, outcome.content, 'generation_failed', { expose: true });
    const reply = await store.messages.get(account.id, sent.reply.id);
    if (!reply) throw notFound('Message');
    return { data: messageJson(reply) };
  });

  /** Starts the reply and hands back its stream URL: a 302 to it, or the URL in JSON with redirect false. */
  app.post('/messages/stream', async (request, reply) => {
    const account = accountOf(request);
    const input = readSend(request.body, true);
    const sent = await sendMessage(deps, account, input);
    const url = streamUrl(deps, request, {
      replyId: sent.reply.id,
      accountId: account.id,
      expiresAt: Date.now() + deps.config.streamUrlTtlMs,
    });
    if (input.redirect) return reply.code(302).header('location', url).send();
    return { data: { stream_url: url } };
  });
}
