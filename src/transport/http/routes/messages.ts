import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendMessage } from '../../../domain/send-message.js';
import { stopReply } from '../../../domain/stop-reply.js';
import { ApiError, notFound } from '../../../errors.js';
import type { Message } from '../../../domain/entities.js';
import type { Store } from '../../../store/store.js';
import { messageJson } from '../../presenters.js';
import { decodeId, encodeId } from '../../public-ids.js';
import { accountOf } from '../bearer-auth.js';
import { pageJson, readPage } from '../pagination.js';
import { publicBase } from '../public-base.js';
import type { RouteDeps } from '../route-deps.js';
import { streamUrl } from '../stream-url.js';
import { Input } from '../validation.js';

const MAX_CONTENT = 2000;

function readSend(body: unknown, withRedirect: boolean) {
  const input = Input.of(body);
  const content = input.requiredString('content', MAX_CONTENT);
  // The stream endpoint's reference does not mark conversation_id required: without one, the
  // domain answers as for any conversation that is not the caller's ("The selected … is invalid.").
  const conversationId = withRedirect ? input.optionalId('conversation_id', 'conversation') : input.requiredId('conversation_id', 'conversation');
  const redirect = withRedirect ? input.optionalBoolean('redirect', true) : false;
  input.done();
  return { content, conversationId, redirect };
}

const includesOf = (request: FastifyRequest) => Input.of(request.query).list('includes');

/** Messages as JSON with what `includes` asks for; sources are read in one query for the lot. */
async function messagesJson(store: Store, request: FastifyRequest, messages: Message[], base: string) {
  const includes = includesOf(request);
  const sources = includes.has('sources') ? await store.messages.sources(messages.map((m) => m.id)) : undefined;
  return messages.map((m) => messageJson(m, includes, sources && { list: sources.get(m.id) ?? [], baseUrl: base }));
}

export function messageRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { store } = deps;

  app.get('/messages', async (request) => {
    const input = Input.of(request.query);
    const conversationId = input.filterId('conversation_id', 'conversation');
    const page = readPage(input, 'messages', deps.config.lists);
    input.done();
    const result = await store.messages.list(accountOf(request).id, { conversationId }, page);
    const json = await messagesJson(store, request, result.items, publicBase(deps.config, request.raw));
    return pageJson({ items: json, total: result.total }, page, (m) => m);
  });

  app.get('/messages/:id', async (request) => {
    const id = decodeId('message', (request.params as { id: string }).id);
    const message = id === undefined ? undefined : await store.messages.get(accountOf(request).id, id);
    if (!message) throw notFound('Message');
    const [json] = await messagesJson(store, request, [message], publicBase(deps.config, request.raw));
    return { data: json };
  });

  /** Parley's own: stops a reply being generated (given its id or its user message's); answers with the reply. */
  app.post('/messages/:id/stop', async (request) => {
    const id = decodeId('message', (request.params as { id: string }).id);
    if (id === undefined) throw notFound('Message');
    const reply = await stopReply(deps, accountOf(request).id, id);
    return { data: messageJson(reply, new Set(['usage'])) };
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
    // Beyond the reference: the ids of the stored message and of its reply (to stop it, or read it later).
    const ids = { message_id: encodeId('message', sent.user.id), reply_id: encodeId('message', sent.reply.id) };
    reply.header('x-message-id', ids.message_id).header('x-reply-id', ids.reply_id);
    if (input.redirect) return reply.code(302).header('location', url).send();
    return { data: { stream_url: url, ...ids } };
  });
}
