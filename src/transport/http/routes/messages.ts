import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { sendMessage } from '../../../domain/send-message.js';
import { stopReply } from '../../../domain/stop-reply.js';
import { ApiError, notFound } from '../../../errors.js';
import type { Message } from '../../../domain/entities.js';
import type { Store } from '../../../store/store.js';
import { messageJson } from '../../presenters.js';
import { encodeId } from '../../public-ids.js';
import { accountOf } from '../bearer-auth.js';
import { listUrl, pageFields, pageJson, readPage } from '../pagination.js';
import { publicBase } from '../public-base.js';
import type { RouteDeps } from '../route-deps.js';
import {
  fieldsOf, filterId, includesFields, includesOf, laravelBoolean, optional, pathId, publicId, required, text,
} from '../schema/fields.js';
import * as answers from '../schema/responses.js';
import type { ZodTypeProvider } from '../schema/zod-compiler.js';
import { streamUrl } from '../stream-url.js';
import { STREAM_PROTOCOL } from '../openapi/stream-protocol.js';

const MAX_CONTENT = 2000;

const tags = ['Messages'];
const params = fieldsOf({ id: pathId('message', 'Message') });
const includes = includesFields(['sources', 'usage']);
const content = required(text(MAX_CONTENT)).meta({ description: 'Counted in Unicode code points: 2000 emoji pass.' });

const streamIds = {
  message_id: z.string().meta({ description: 'The stored message.' }),
  reply_id: z.string().meta({ description: 'Its reply (to stop it, or read it later).' }),
};

const schemas = {
  list: {
    summary: 'List the messages', description: 'Newest first unless LIST_ORDER or `order` says otherwise.', tags,
    querystring: fieldsOf({ conversation_id: filterId('conversation'), ...includes, ...pageFields }),
    response: { 200: answers.page(answers.messageJson), ...answers.errorResponses(422) },
  },
  get: {
    summary: 'Read a message', tags, params, querystring: fieldsOf(includes),
    response: { 200: answers.one(answers.messageJson), ...answers.errorResponses(404) },
  },
  stop: {
    summary: 'Stop a reply being generated',
    description: "Parley's own. Given the reply's id or its user message's; answers with the reply as stored.", tags, params,
    response: { 200: answers.one(answers.messageJson), ...answers.errorResponses(404) },
  },
  send: {
    summary: 'Send a message and wait for the reply',
    description: 'Answers once the reply is complete; 500 with the reason as `message` when generating it fails.', tags,
    body: fieldsOf({ content, conversation_id: required(publicId('conversation')) }),
    response: { 200: answers.one(answers.messageJson), ...answers.errorResponses(402, 415, 422) },
  },
  stream: {
    summary: 'Send a message and stream the reply', description: STREAM_PROTOCOL, tags,
    body: fieldsOf({
      content,
      // The reference does not mark it required: without one, the domain answers as for any
      // conversation that is not the caller's ("The selected … is invalid.").
      conversation_id: optional(publicId('conversation')),
      redirect: optional(laravelBoolean()).meta({ description: 'true (default): 302 to the stream URL; false: the URL in JSON.' }),
    }),
    response: {
      200: answers.one(z.strictObject({ stream_url: z.string().meta({ description: 'GET it for the reply as text/event-stream.' }), ...streamIds }))
        .meta({ description: 'With `redirect: false`.' }),
      302: answers.noBody('To the stream URL.', {
        location: 'The stream URL.', 'x-message-id': 'The stored message.', 'x-reply-id': 'Its reply.',
      }),
      ...answers.errorResponses(402, 415, 422),
    },
  },
};

/** Messages as JSON with what `includes` asks for; sources are read in one query for the lot. */
async function messagesJson(store: Store, includes: Set<string>, messages: Message[], base: string) {
  const sources = includes.has('sources') ? await store.messages.sources(messages.map((m) => m.id)) : undefined;
  return messages.map((m) => messageJson(m, includes, sources && { list: sources.get(m.id) ?? [], baseUrl: base }));
}

const baseOf = (deps: RouteDeps, request: FastifyRequest) => publicBase(deps.config, request.raw);

export function messageRoutes(fastify: FastifyInstance, deps: RouteDeps): void {
  const { store } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/messages', { schema: schemas.list }, async (request) => {
    const page = readPage(request.query, 'messages', deps.config.lists);
    const result = await store.messages.list(accountOf(request).id, { conversationId: request.query.conversation_id }, page);
    const json = await messagesJson(store, includesOf(request.query), result.items, baseOf(deps, request));
    return pageJson({ items: json, total: result.total }, page, (m) => m, listUrl(deps.config, request));
  });

  app.get('/messages/:id', { schema: schemas.get }, async (request) => {
    const message = await store.messages.get(accountOf(request).id, request.params.id);
    if (!message) throw notFound('Message');
    const [json] = await messagesJson(store, includesOf(request.query), [message], baseOf(deps, request));
    return { data: json };
  });

  app.post('/messages/:id/stop', { schema: schemas.stop }, async (request) => {
    const reply = await stopReply(deps, accountOf(request).id, request.params.id);
    return { data: messageJson(reply, new Set(['usage'])) };
  });

  app.post('/messages', { schema: schemas.send }, async (request) => {
    const account = accountOf(request);
    const { content, conversation_id: conversationId } = request.body;
    const sent = await sendMessage(deps, account, { content, conversationId });
    const outcome = await sent.outcome;
    if (outcome.failed) throw new ApiError(500, outcome.content, 'generation_failed', { expose: true });
    const reply = await store.messages.get(account.id, sent.reply.id);
    if (!reply) throw notFound('Message');
    return { data: messageJson(reply) };
  });

  app.post('/messages/stream', { schema: schemas.stream }, async (request, reply) => {
    const account = accountOf(request);
    const { content, conversation_id: conversationId, redirect = true } = request.body;
    const sent = await sendMessage(deps, account, { content, conversationId });
    const url = streamUrl(deps, request, {
      replyId: sent.reply.id,
      accountId: account.id,
      expiresAt: Date.now() + deps.config.streamUrlTtlMs,
    });
    // Beyond the reference: the ids of the stored message and of its reply (to stop it, or read it later).
    const ids = { message_id: encodeId('message', sent.user.id), reply_id: encodeId('message', sent.reply.id) };
    reply.header('x-message-id', ids.message_id).header('x-reply-id', ids.reply_id);
    if (redirect) return reply.code(302).header('location', url).send();
    return { data: { stream_url: url, ...ids } };
  });
}
